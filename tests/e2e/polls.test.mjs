// polls.test.mjs - opinion polls of committee members in the browser: the
// city office's clerical officer opens a poll (its paper uploaded, the
// committee's members ticked, a deadline about a minute away; an empty
// form first, refused field by field); a Vice Chairman, on a phone, finds
// it waiting for him, answers "agree" with his signing PIN, then changes
// it to "disagree" - without a comment first (refused next to the comment
// box), then with one; the page shows his last answer signed by him and
// both answers kept; after the deadline the poll's page shows the
// result (one disagreement, three silent members counted as agreement)
// and the PDF summary opens; the chairman records the conclusion.
// axe-core on each page; nothing wider than a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, samplePdf, PASSWORD, PHONE } from './lib/harness.mjs';

const PIN = '260817';
let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  // the Vice Chairman holds a remote-signing certificate
  const r = await fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'lanhdao', password: PASSWORD, token: true }),
  });
  const auth = { Authorization: `Bearer ${(await r.json()).token}` };
  const c = await fetch(`${srv.base}/api/v1/certificates`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'personal', pin: PIN, password: PASSWORD }),
  });
  assert.equal(c.status, 201);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function narrow(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width}px wide on a 360px screen`);
}

// "YYYY-MM-DDTHH:MM:SS" in Vietnam, seconds from now.
function vnLocal(seconds) {
  return new Date(Date.now() + seconds * 1000 + 7 * 3600 * 1000).toISOString().slice(0, 19);
}

test('the office opens a poll, a member answers on a phone with the PIN, the result after the deadline', async () => {
  const TITLE = 'Tờ trình số 45/TTr-SXD về điều chỉnh quy hoạch phân khu';
  // ---- the office ----
  const vp = await newPage(browser, srv, PHONE);
  await login(vp, 'vanthu.vp');
  await vp.goto('/can-bo/lay-y-kien');
  await vp.getByRole('heading', { name: 'Lấy ý kiến thành viên UBND', level: 1 }).waitFor();
  await vp.getByRole('link', { name: 'Mở lấy ý kiến' }).click();
  await vp.getByRole('heading', { name: 'Mở lấy ý kiến thành viên' }).waitFor();
  await assertAccessible(vp, 'the form that opens a poll');
  await narrow(vp);
  // nothing filled: each field said
  await vp.getByRole('button', { name: 'Gửi lấy ý kiến' }).click();
  await vp.locator('#f-title-err').waitFor();
  await vp.locator('#f-deadline-err').waitFor();
  await vp.getByLabel('Tờ trình (số, trích yếu) *').fill(TITLE);
  await vp.getByLabel('Nội dung xin ý kiến *').fill('Đề nghị các thành viên UBND cho ý kiến về điều chỉnh quy hoạch.');
  await vp.getByLabel('Hồ sơ kèm theo (PDF) *').setInputFiles({ name: 'to-trinh.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
  await vp.getByLabel('Thời hạn trả lời *').fill(vnLocal(75));
  const opened = Date.now();
  await vp.getByRole('button', { name: 'Gửi lấy ý kiến' }).click();
  await vp.getByText('Đã gửi lấy ý kiến; các thành viên đã được thông báo.').waitFor();
  const id = vp.url().match(/lay-y-kien\/(\d+)/)[1];
  await vp.locator('#pl-paper-1').waitFor();
  await assertAccessible(vp, 'the poll as the office sees it');
  await narrow(vp);
  assertNoErrors(vp);

  // ---- a member, on a phone ----
  const ld = await newPage(browser, srv, PHONE);
  await login(ld, 'lanhdao');
  await ld.goto('/can-bo/lay-y-kien');
  await ld.locator('#pl-waiting').getByRole('link', { name: TITLE }).click();
  await ld.getByRole('heading', { name: 'Ý kiến của bạn' }).waitFor();
  await ld.getByLabel('Đồng ý', { exact: true }).check();
  await ld.getByLabel('Mã PIN ký số').fill(PIN);
  await ld.getByRole('button', { name: 'Ký số và gửi ý kiến' }).click();
  await ld.getByText('Đã ghi nhận ý kiến của bạn, có chữ ký số.').waitFor();
  // changed before the deadline: a new answer, the first one kept
  await ld.getByLabel('Không đồng ý').check();
  await ld.getByLabel('Mã PIN ký số').fill(PIN);
  await ld.getByRole('button', { name: 'Ký số và gửi ý kiến mới' }).click();
  await ld.getByText('Hãy ghi rõ ý kiến khi không đồng ý').first().waitFor();
  await ld.getByLabel('Góp ý').fill('Cần đánh giá thêm tác động giao thông');
  await ld.getByRole('button', { name: 'Ký số và gửi ý kiến mới' }).click();
  await ld.locator('#pl-history').getByText('Lịch sử trả lời: 2 lần').waitFor();
  const mine = ld.locator('#pl-members-table tr', { hasText: 'Phạm Minh Khôi' });
  await mine.getByText('Không đồng ý').waitFor();
  await mine.getByText(/Ký bởi Phạm Minh Khôi/).waitFor();
  await assertAccessible(ld, 'the poll answered, on a phone');
  await narrow(ld);
  assertNoErrors(ld);

  // ---- after the deadline: the result ----
  const wait = opened + 80000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  await ld.goto(`/can-bo/lay-y-kien/${id}`);
  await ld.getByRole('heading', { name: 'Kết quả lấy ý kiến' }).waitFor();
  assert.equal(await ld.locator('#pl-n-disagree').textContent(), '1');
  assert.equal(await ld.locator('#pl-n-silent').textContent(), '3');
  assert.equal(await ld.locator('#pl-c-agree').textContent(), '3');
  await assertAccessible(ld, 'the result on a phone');
  await narrow(ld);
  const pdf = await ld.request.get(`/api/v1/polls/${id}/pdf`);
  assert.equal(pdf.status(), 200);
  assert.equal((await pdf.body()).subarray(0, 4).toString(), '%PDF');

  // ---- the chairman concludes ----
  const ct = await newPage(browser, srv, PHONE);
  await login(ct, 'chutich');
  await ct.goto(`/can-bo/lay-y-kien/${id}`);
  await ct.getByLabel('Kết luận của Chủ tịch *').fill('Giao Sở Xây dựng bổ sung đánh giá tác động giao thông.');
  await ct.getByRole('button', { name: 'Ghi kết luận' }).click();
  await ct.getByText('Đã ghi kết luận.').waitFor();
  await ct.locator('#pl-conclusion').getByText('Giao Sở Xây dựng').waitFor();
  await assertAccessible(ct, 'the poll concluded');
  assertNoErrors(ct);
});
