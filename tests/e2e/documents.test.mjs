// documents.test.mjs - an incoming official document from its registration
// to its answer, in the browser: the clerical officer of the Department of
// Justice registers it from the keyboard (with its scan) and sends it to
// the director; the director, on a phone, finds it first in the inbox and
// writes the direction; the head of division assigns it; the official
// reports it handled; the clerical officer, informed, acknowledges it.
// Then the document's page shows who received, opened and handled it, and
// the register finds it without diacritics.  axe-core on every page; no
// page wider than a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, samplePdf, PHONE, waitForPath } from './lib/harness.mjs';
import { Client } from './lib/api.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const CLERICAL = 'vanthu.stp';
const DIRECTOR = 'giamdoc.stp';
const HEAD = 'truongphong.stp';
const OFFICIAL = 'chuyenvien.stp';
const SUMMARY = 'Về việc góp ý dự thảo Quy định quản lý kiến trúc đô thị';

async function narrow(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width}px wide on a 360px screen`);
}

test('an incoming document from registration to its answer', async () => {
  // ---- the clerical officer registers it, from the keyboard ----
  const vt = await newPage(browser, srv);
  await login(vt, CLERICAL);
  await vt.getByRole('link', { name: 'Văn bản', exact: true }).click();
  await vt.getByRole('heading', { level: 1, name: 'Văn bản của tôi' }).waitFor();
  await vt.getByRole('link', { name: 'Vào sổ văn bản đến' }).click();
  await vt.getByRole('heading', { level: 1, name: 'Vào sổ văn bản đến' }).waitFor();
  // the first box has the focus: typing and Tab fill the form in order
  assert.equal(await vt.evaluate(() => document.activeElement.id), 'reg-sender');
  await vt.keyboard.type('Sở Xây dựng Thành phố Hồ Chí Minh');
  await vt.keyboard.press('Tab');
  await vt.keyboard.type('512/SXD-PC');
  await vt.keyboard.press('Tab');
  await vt.keyboard.type('01/12/2026');
  await vt.keyboard.press('Tab');
  assert.equal(await vt.evaluate(() => document.activeElement.id), 'reg-type');
  await vt.keyboard.press('Tab');
  await vt.keyboard.type(SUMMARY);
  await vt.getByLabel('Lĩnh vực').selectOption({ label: 'Xây dựng - đô thị' });
  await vt.getByLabel('Độ khẩn').selectOption({ label: 'Khẩn' });
  await vt.getByLabel('Số trang').fill('3');
  // the scan goes up when chosen, and makes it an electronic document
  const dir = mkdtempSync(join(tmpdir(), 'mc-doc-'));
  const scan = join(dir, '512-SXD-PC.pdf');
  writeFileSync(scan, samplePdf());
  await vt.getByLabel('Bản quét hoặc bản điện tử (PDF, JPEG, PNG)').setInputFiles(scan);
  await vt.getByText(/Đã tải lên 512-SXD-PC\.pdf/).waitFor();
  assert.equal(await vt.getByLabel('Hình thức').inputValue(), 'electronic');
  await assertAccessible(vt, 'the register form');
  // a bad date is refused on the page, next to its box, nothing lost
  await vt.getByLabel('Ngày của văn bản *').fill('31/02/2026');
  await vt.getByLabel('Trích yếu nội dung *').press('Control+Enter');
  await vt.locator('#reg-date[aria-invalid="true"]').waitFor();
  assert.equal(await vt.getByLabel('Trích yếu nội dung *').inputValue(), SUMMARY);
  await vt.getByLabel('Ngày của văn bản *').fill('01/12/2026');
  await vt.getByLabel('Trích yếu nội dung *').press('Control+Enter');
  await vt.getByRole('heading', { level: 1, name: 'Đã vào sổ văn bản đến' }).waitFor();
  const number = await vt.locator('#reg-number').textContent();
  assert.match(number, /^\d+$/);
  // sent on at once: the director is the one leader, and has the focus
  assert.equal(await vt.evaluate(() => document.activeElement.id), 'send-leader');
  assert.match(await vt.locator('#send-leader option:checked').textContent(), /Dương Văn Hải.*\(đề xuất theo phân công\)/);
  await assertAccessible(vt, 'the registered document');
  await vt.getByRole('button', { name: 'Chuyển lãnh đạo' }).click();
  await vt.getByText(/Đã chuyển văn bản đến Dương Văn Hải/).waitFor();
  assert.equal(await vt.evaluate(() => document.activeElement.id), 'reg-again');
  assertNoErrors(vt);

  // ---- the director, on a phone: the inbox, then the direction ----
  const gd = await newPage(browser, srv, PHONE);
  await login(gd, DIRECTOR);
  await gd.goto('/can-bo/van-ban');
  const card = gd.locator('.doc-card').filter({ hasText: SUMMARY });
  await card.waitFor();
  await card.getByText('Chưa xem').waitFor();
  await card.getByText('Khẩn', { exact: true }).waitFor();
  await card.getByText('Cho ý kiến chỉ đạo').waitFor();
  await assertAccessible(gd, 'the inbox on a phone');
  await narrow(gd);
  await card.click(); // the whole card is the target
  await gd.getByRole('heading', { level: 1, name: 'Công văn 512/SXD-PC' }).waitFor();
  await assertAccessible(gd, 'the document on a phone');
  await narrow(gd);
  // the scan opens from the page
  const file = await gd.request.get(await gd.locator('#doc-file').getAttribute('href'));
  assert.equal(file.status(), 200);
  assert.equal(file.headers()['content-type'], 'application/pdf');
  // the direction: the lead is required
  await gd.getByRole('button', { name: 'Chỉ đạo' }).click();
  await gd.locator('#dir-lead[aria-invalid="true"]').waitFor();
  const lead = gd.getByLabel('Người chủ trì xử lý *');
  await lead.selectOption(await lead.locator('option').filter({ hasText: 'Phan Thị Hồng Nhung' }).getAttribute('value'));
  // the deadline proposed for a khẩn document: 3 working days on
  const proposed = await gd.getByLabel('Hạn xử lý *').inputValue();
  const [dd, mm, yyyy] = proposed.split('/').map(Number);
  const due = new Date(Date.UTC(yyyy, mm - 1, dd));
  const today = new Date(Date.now() + 7 * 3600000);
  const days = (due - Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())) / 86400000;
  assert.ok(days >= 3 && days <= 12, `${proposed} is not 3 working days on`);
  assert.ok(due.getUTCDay() !== 0 && due.getUTCDay() !== 6, `${proposed} is on a weekend`);
  await gd.getByLabel('Ý kiến chỉ đạo (bút phê)').fill('Giao Phòng Hộ tịch chủ trì, trả lời trước ngày 15/12');
  await gd.locator('summary', { hasText: 'Người nhận để biết' }).click();
  await gd.getByRole('group', { name: 'Người nhận để biết' }).getByLabel(/Hồ Thị Thanh Tâm/).check();
  await gd.getByRole('button', { name: 'Chỉ đạo' }).click();
  await gd.getByText('Đã ghi ý kiến chỉ đạo và gửi đến người được giao.').waitFor();
  await gd.locator('#doc-status').getByText('Đã chỉ đạo').waitFor();
  assert.equal(await gd.locator('#actions').count(), 0); // nothing left to the director
  assertNoErrors(gd);

  // ---- the head of division assigns it ----
  const tp = await newPage(browser, srv);
  await login(tp, HEAD);
  await tp.goto('/can-bo/van-ban?state=unopened');
  await tp.locator('.doc-card').filter({ hasText: SUMMARY }).getByText('Chủ trì xử lý').waitFor();
  await tp.getByRole('link', { name: SUMMARY }).click();
  await tp.getByRole('heading', { level: 3, name: 'Giao xử lý' }).waitFor();
  const handler = tp.getByLabel('Cán bộ xử lý *');
  const vinh = await handler.locator('option').filter({ hasText: 'Lâm Quang Vinh' }).getAttribute('value');
  assert.equal(await handler.locator('option').filter({ hasText: 'Phan Thị Hồng Nhung' }).count(), 0); // not to oneself
  await handler.selectOption(vinh);
  await tp.getByRole('button', { name: 'Giao xử lý' }).click();
  await tp.getByText('Đã giao cán bộ xử lý.').waitFor();
  assertNoErrors(tp);

  // ---- the official reports it handled ----
  const cv = await newPage(browser, srv);
  await login(cv, OFFICIAL);
  await cv.goto('/can-bo/van-ban');
  await cv.locator('.doc-card').filter({ hasText: SUMMARY }).getByText('Xử lý', { exact: true }).waitFor();
  await cv.getByRole('link', { name: SUMMARY }).click();
  await cv.getByRole('button', { name: 'Báo cáo đã xử lý xong' }).click();
  await cv.locator('#cmp-result[aria-invalid="true"]').waitFor(); // the result is required
  await cv.getByLabel('Kết quả xử lý *').fill('Đã trả lời bằng Công văn số 15/STP-HT ngày 05/12/2026');
  await cv.getByRole('button', { name: 'Báo cáo đã xử lý xong' }).click();
  await cv.getByText('Đã báo cáo xử lý xong.').waitFor();
  await cv.locator('#doc-status').getByText('Đã xử lý xong').waitFor();
  assertNoErrors(cv);

  // ---- the clerical officer, informed, acknowledges ----
  await vt.goto('/can-bo/van-ban');
  await vt.locator('.doc-card').filter({ hasText: SUMMARY }).getByText('Để biết').waitFor();
  await vt.getByRole('link', { name: SUMMARY }).click();
  await vt.getByRole('button', { name: 'Đã biết' }).click();
  await vt.getByText('Đã ghi nhận bạn đã biết văn bản.').waitFor();
  await vt.goto('/can-bo/van-ban?state=done');
  await vt.locator('.doc-card').filter({ hasText: SUMMARY }).waitFor();

  // ---- who received, opened and handled it ----
  await gd.goto('/can-bo/van-ban?state=done');
  await gd.getByRole('link', { name: SUMMARY }).click();
  const rows = gd.locator('#recipients tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 4); // direct, lead, handle, inform
  for (let i = 0; i < 4; i++) {
    assert.doesNotMatch(await rows.nth(i).textContent(), /Chưa xem/, `row ${i} not opened`);
    assert.doesNotMatch(await rows.nth(i).textContent(), /Chưa$/, `row ${i} not done`);
  }
  assert.match(await rows.filter({ has: gd.locator('strong', { hasText: 'Phan Thị Hồng Nhung' }) }).textContent(), /Chủ trì xử lý/);
  assert.match(await gd.locator('#recipients').textContent(), /15\/STP-HT/);
  const trail = await gd.locator('#events').textContent();
  for (const what of ['Vào sổ', 'Chuyển lãnh đạo', 'Mở xem', 'Chỉ đạo', 'Giao xử lý', 'Báo cáo xử lý xong', 'Đã biết']) {
    assert.ok(trail.includes(what), `the trail lacks ${what}`);
  }
  await narrow(gd);
  assertNoErrors(gd);

  // ---- the register finds it without diacritics; English ----
  await vt.goto('/can-bo/so-van-ban');
  await vt.getByRole('searchbox', { name: 'Tìm văn bản' }).fill('gop y du thao kien truc');
  await vt.getByRole('button', { name: 'Tìm', exact: true }).click();
  await waitForPath(vt, '/can-bo/so-van-ban');
  await vt.locator('#book-rows tr').filter({ hasText: SUMMARY }).waitFor();
  assert.equal(await vt.locator('#book-rows tr').count(), 1);
  await assertAccessible(vt, 'the register');
  await vt.getByRole('button', { name: 'English' }).click();
  await vt.getByRole('heading', { level: 1, name: 'Document register' }).waitFor();
  await vt.locator('#book-rows tr').filter({ hasText: 'Handled' }).waitFor();
  assertNoErrors(vt);
});

test('a citizen and an official of another agency cannot reach a document', async () => {
  const clerical = await Client.login(srv.base, CLERICAL);
  const r = await clerical.call('POST', '/api/v1/documents/incoming', {
    type_code: 'bao_cao', summary: 'Báo cáo riêng của Sở Tư pháp', doc_date: '2026-12-01', sender: 'Công an Thành phố',
  });
  assert.equal(r.status, 201);
  const other = await newPage(browser, srv);
  await login(other, 'phogiamdoc.sxd');
  await other.goto(`/can-bo/van-ban/${r.body.id}`);
  await other.getByRole('alert').filter({ hasText: /Không tìm thấy|Không có/ }).waitFor();
  const citizen = await newPage(browser, srv);
  await login(citizen, '079203001234');
  await citizen.goto('/can-bo/van-ban');
  await citizen.getByRole('alert').waitFor();
  assert.equal(await citizen.getByRole('link', { name: 'Văn bản', exact: true }).count(), 0);
  assertNoErrors(other);
  assertNoErrors(citizen);
});
