// drafts.test.mjs - an outgoing document drafted, reviewed, signed and
// issued, in the browser: a specialist of the Department of Justice drafts
// a plan addressed to a ward on the platform and submits it to the head of
// division, who returns it with a comment; revised, it goes back to the
// head of division, then to the head of the office, then to the director,
// who signs it on a phone; the clerical officer numbers and issues it, and
// the ward's clerical officer finds it in the ward's incoming register.
// axe-core on the editor, a draft and the lists; nothing wider than a
// 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, PHONE } from './lib/harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const SUMMARY = 'Kế hoạch phổ biến, giáo dục pháp luật năm 2027';

async function narrow(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width}px wide on a 360px screen`);
}

// Choose the option of a select whose text has name.
async function choose(page, label, name) {
  const sel = page.getByLabel(label);
  await sel.selectOption(await sel.locator('option').filter({ hasText: name }).getAttribute('value'));
}

test('a plan drafted, returned, revised, approved, signed on a phone and issued', async () => {
  // ---- drafted ----
  const cv = await newPage(browser, srv);
  await login(cv, 'chuyenvien.stp');
  await cv.goto('/can-bo/van-ban');
  await cv.getByRole('link', { name: 'Dự thảo văn bản đi' }).click();
  await cv.getByRole('link', { name: 'Soạn văn bản mới' }).click();
  await cv.getByRole('heading', { level: 1, name: 'Soạn văn bản mới' }).waitFor();
  await cv.getByLabel('Loại văn bản *').selectOption({ label: 'Kế hoạch' });
  await cv.getByLabel('Trích yếu nội dung *').fill(SUMMARY);
  await cv.getByLabel('Nội dung văn bản').fill('I. MỤC ĐÍCH, YÊU CẦU\nNâng cao nhận thức pháp luật của cán bộ và nhân dân.');
  await cv.getByLabel('Nơi nhận (in ở cuối văn bản) *').fill('Như trên;\nLưu: VT, PBGDPL.');
  await cv.getByLabel('Lọc cơ quan theo tên').fill('phuong sai gon');
  await cv.getByLabel('UBND Phường Sài Gòn').check();
  await assertAccessible(cv, 'the draft editor');
  await cv.getByRole('button', { name: 'Lưu dự thảo' }).click();
  await cv.getByText('Đã lưu dự thảo.').waitFor();
  const draftUrl = new URL(cv.url()).pathname;
  assert.match(draftUrl, /^\/can-bo\/du-thao\/\d+$/);
  await cv.locator('#df-status').getByText('Đang soạn').waitFor();
  // submitted to the head of division, the first step
  await choose(cv, 'Người duyệt bước tiếp theo *', 'Phan Thị Hồng Nhung');
  await cv.getByRole('button', { name: 'Trình duyệt' }).click();
  await cv.getByText('Đã trình duyệt.').waitFor();
  await cv.locator('#chain li').first().getByText('Chờ duyệt, chưa xem').waitFor();
  await assertAccessible(cv, 'a draft under review');
  assertNoErrors(cv);

  // ---- returned with a comment ----
  const tp = await newPage(browser, srv);
  await login(tp, 'truongphong.stp');
  await tp.goto('/can-bo/du-thao?state=to_review');
  await tp.getByRole('link', { name: SUMMARY }).click();
  await tp.getByRole('heading', { level: 3, name: 'Trả lại' }).waitFor();
  await tp.getByRole('button', { name: 'Trả lại' }).click(); // the comment is required
  await tp.locator('#ret-comment[aria-invalid="true"]').waitFor();
  await tp.getByLabel('Lý do trả lại, nội dung cần sửa *').fill('Bổ sung chỉ tiêu cụ thể cho từng quý');
  await tp.getByRole('button', { name: 'Trả lại' }).click();
  await tp.getByText('Đã trả lại người soạn.').waitFor();
  assertNoErrors(tp);

  // ---- revised and submitted again: back to the step that returned it ----
  await cv.goto(draftUrl);
  await cv.locator('#chain').getByText('Bổ sung chỉ tiêu cụ thể cho từng quý').waitFor();
  await cv.locator('#rev-content').fill('I. MỤC ĐÍCH, YÊU CẦU\nII. CHỈ TIÊU TỪNG QUÝ\nQuý I: 20 buổi tuyên truyền.');
  await cv.getByLabel('Đã sửa gì (không bắt buộc)').fill('Đã bổ sung chỉ tiêu');
  await cv.getByRole('button', { name: 'Sửa dự thảo' }).click();
  await cv.getByText('Đã lưu lần sửa mới.').waitFor();
  await cv.locator('#revisions').getByText(/^Lần 1 ·/).waitFor(); // the first revision kept
  await choose(cv, 'Người duyệt bước tiếp theo *', 'Phan Thị Hồng Nhung');
  await cv.getByRole('button', { name: 'Trình duyệt' }).click();
  await cv.getByText('Đã trình duyệt.').waitFor();

  // ---- approved on, twice ----
  await tp.goto(draftUrl);
  await tp.locator('#df-content').getByText('Quý I: 20 buổi tuyên truyền.').waitFor();
  await choose(tp, 'Trình tiếp đến (Chánh Văn phòng) *', 'Trịnh Thị Mai Phương');
  await tp.getByRole('button', { name: 'Duyệt, trình tiếp' }).click();
  await tp.getByText('Đã duyệt.', { exact: true }).waitFor();
  const cvp = await newPage(browser, srv);
  await login(cvp, 'chanhvanphong.stp');
  await cvp.goto(draftUrl);
  await choose(cvp, 'Trình tiếp đến (Lãnh đạo ký) *', 'Dương Văn Hải');
  await cvp.getByRole('button', { name: 'Duyệt, trình tiếp' }).click();
  await cvp.getByText('Đã duyệt.', { exact: true }).waitFor();
  assertNoErrors(tp);
  assertNoErrors(cvp);

  // ---- signed by the director on a phone ----
  const gd = await newPage(browser, srv, PHONE);
  await login(gd, 'giamdoc.stp');
  await gd.goto('/can-bo/du-thao?state=to_review');
  await gd.getByRole('link', { name: SUMMARY }).click();
  await gd.getByRole('button', { name: 'Duyệt và ký' }).waitFor();
  await assertAccessible(gd, 'a draft to sign on a phone');
  await narrow(gd);
  await gd.getByRole('button', { name: 'Duyệt và ký' }).click();
  await gd.locator('#df-status').getByText('Đã ký, chờ phát hành').waitFor();
  assert.match(await gd.locator('#df-signer').textContent(), /Giám đốc Dương Văn Hải/);
  await narrow(gd);
  assertNoErrors(gd);

  // ---- numbered and issued ----
  const vt = await newPage(browser, srv);
  await login(vt, 'vanthu.stp');
  await vt.goto('/can-bo/du-thao?state=to_issue');
  await assertAccessible(vt, 'the drafts to issue');
  await vt.getByRole('link', { name: SUMMARY }).click();
  await vt.getByRole('button', { name: 'Cấp số và phát hành' }).click();
  await vt.getByText(/^Đã cấp số \d+\/KH-STP và phát hành\.$/).waitFor();
  const number = (await vt.locator('#df-number').textContent()).trim();
  assert.match(number, /^\d{2,}\/KH-STP$/);
  await vt.locator('#df-number').click(); // the document in the outgoing register
  await vt.getByRole('heading', { level: 1, name: `Kế hoạch ${number}` }).waitFor();
  await vt.locator('#events').getByText('Gửi điện tử đến cơ quan nhận').waitFor();
  // printed in the layout of Decree 30, from the page
  const pdf = await vt.request.get(await vt.getByRole('link', { name: 'Xem văn bản (PDF)' }).getAttribute('href'));
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.ok((await pdf.body()).subarray(0, 5).toString() === '%PDF-');
  assertNoErrors(vt);

  // ---- in the ward's incoming register ----
  const ward = await newPage(browser, srv);
  await login(ward, 'vanthu.p26740');
  await ward.goto('/can-bo/so-van-ban');
  await ward.getByRole('searchbox', { name: 'Tìm văn bản' }).fill(number);
  await ward.getByRole('button', { name: 'Tìm', exact: true }).click();
  const row = ward.locator('#book-rows tr').filter({ hasText: SUMMARY });
  await row.waitFor();
  assert.match(await row.textContent(), /Sở Tư pháp/);
  assertNoErrors(ward);
});

test('the director grants the head of the office signing by order, then revokes it', async () => {
  const gd = await newPage(browser, srv);
  await login(gd, 'giamdoc.stp');
  await gd.goto('/can-bo/du-thao');
  await gd.getByRole('link', { name: 'Giao ký thay, thừa lệnh, thừa ủy quyền' }).click();
  await gd.getByRole('heading', { level: 1, name: 'Giao ký thay, thừa lệnh, thừa ủy quyền' }).waitFor();
  await gd.getByLabel('Hình thức *').selectOption('TL');
  await choose(gd, 'Người được giao ký *', 'Trịnh Thị Mai Phương');
  await gd.getByLabel('Giấy mời').check();
  await gd.getByLabel('Thông báo', { exact: true }).check();
  await assertAccessible(gd, 'the delegations page');
  await gd.getByRole('button', { name: 'Giao ký', exact: true }).click();
  await gd.getByText('Đã giao ký.').waitFor();
  const row = gd.locator('#delegations tbody tr').filter({ hasText: 'Trịnh Thị Mai Phương' });
  assert.match(await row.textContent(), /TL\. Thừa lệnh/);
  assert.match(await row.textContent(), /Thông báo, Giấy mời/); // in the order of Decree 30
  await row.getByText('Đang hiệu lực').waitFor();
  // a bad period is refused next to its box
  await gd.getByLabel('Hình thức *').selectOption('TUQ');
  await choose(gd, 'Người được giao ký *', 'Lâm Quang Vinh');
  await gd.getByLabel('Đến hết ngày *').fill('01/01/2020');
  await gd.getByRole('button', { name: 'Giao ký', exact: true }).click();
  await gd.locator('#dl-to[aria-invalid="true"]').waitFor();
  await row.getByRole('button', { name: 'Thu hồi việc giao ký cho Trịnh Thị Mai Phương' }).click();
  await gd.getByText('Đã thu hồi việc giao ký.').waitFor();
  await gd.locator('#delegations tbody tr').filter({ hasText: 'Trịnh Thị Mai Phương' }).getByText('Đã thu hồi').waitFor();
  assertNoErrors(gd);
});
