// schedule.test.mjs - the work calendar in the browser, on a 360 px phone:
// the city office's clerical officer adds a meeting to the People's
// Committee's week (its form refuses an end before the start, naming the
// field), submits the week; the Chief of Office approves it; the clerk
// publishes it; the vice chairman invited finds it in his own calendar and
// answers that he sends a deputy; the public page shows the published week
// with its PDF and iCalendar links.  axe-core on every page; nothing wider
// than the phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, samplePdf, PHONE } from './lib/harness.mjs';

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function narrow(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width}px wide on a 360px screen`);
}

// The Monday two weeks from now (Vietnam's day), and a day of that week.
function weekAhead() {
  const now = new Date(Date.now() + 7 * 3600 * 1000 + 14 * 86400000);
  const monday = new Date(now.getTime() - ((now.getUTCDay() + 6) % 7) * 86400000);
  const iso = (d) => d.toISOString().slice(0, 10);
  const wed = new Date(monday.getTime() + 2 * 86400000);
  return { monday: iso(monday), wed: iso(wed), wedVN: `${iso(wed).slice(8, 10)}/${iso(wed).slice(5, 7)}/${iso(wed).slice(0, 4)}` };
}

test('a meeting drafted, approved, published and answered on a phone; the public week', async () => {
  const TITLE = 'Họp Ủy ban nhân dân Thành phố về chuyển đổi số';
  const w = weekAhead();
  // ---- the city office's clerical officer drafts ----
  const vt = await newPage(browser, srv, PHONE);
  await login(vt, 'vanthu.vp');
  await vt.goto(`/can-bo/lich-cong-tac?tuan=${w.monday}`);
  await vt.getByRole('heading', { level: 1, name: 'Lịch công tác' }).waitFor();
  await vt.locator('#sc-state').getByText('Đang soạn').waitFor();
  await assertAccessible(vt, 'the week being drafted');
  await narrow(vt);
  await vt.locator('#sc-add').click();
  await vt.getByRole('heading', { level: 1, name: 'Thêm lịch' }).waitFor();
  await vt.getByLabel('Nội dung *').fill(TITLE);
  await vt.getByLabel('Ngày (dd/mm/yyyy) *').fill(w.wedVN);
  await vt.getByLabel('Từ giờ *').fill('14:00');
  await vt.getByLabel('Đến giờ *').fill('13:00');
  await vt.getByLabel('Chủ trì *').selectOption({ label: 'Trần Quốc Thịnh · Chủ tịch UBND Thành phố' });
  await vt.getByLabel('Địa điểm', { exact: true }).fill('Phòng họp A, 86 Lê Thánh Tôn');
  await vt.locator('#f-participant_ids').getByLabel('Phạm Minh Khôi · Phó Chủ tịch UBND Thành phố').check();
  await vt.getByLabel('Tài liệu họp (PDF)').setInputFiles({ name: 'de-an-chuyen-doi-so.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
  await assertAccessible(vt, 'the event form');
  await narrow(vt);
  await vt.locator('#sc-save').click();
  await vt.getByText('Thời gian kết thúc phải sau thời gian bắt đầu').first().waitFor();
  await vt.getByLabel('Đến giờ *').fill('16:00');
  await vt.locator('#sc-save').click();
  await vt.getByText('Đã thêm lịch.').waitFor();
  await vt.getByRole('heading', { name: TITLE }).waitFor();
  await vt.locator('#sc-participants').getByText('Chưa trả lời').waitFor();
  await vt.getByRole('link', { name: 'de-an-chuyen-doi-so.pdf' }).waitFor();
  await assertAccessible(vt, 'the event');
  await narrow(vt);
  await vt.goto(`/can-bo/lich-cong-tac?tuan=${w.monday}`);
  await vt.getByRole('link', { name: TITLE }).waitFor();
  await vt.locator('#sc-act-submit').click();
  await vt.getByText('Đã trình lịch tuần.').waitFor();
  await vt.locator('#sc-state').getByText('Đã trình').waitFor();
  assertNoErrors(vt);

  // the chairman's own calendar, from his name
  await vt.locator('.event-card').getByRole('link', { name: 'Chủ trì: Trần Quốc Thịnh' }).first().click();
  await vt.getByRole('heading', { level: 1, name: 'Lịch công tác của Trần Quốc Thịnh' }).waitFor();
  await vt.getByRole('link', { name: TITLE }).waitFor();
  await assertAccessible(vt, "a leader's calendar");

  // ---- the Chief of Office approves ----
  const cvp = await newPage(browser, srv, PHONE);
  await login(cvp, 'chanhvanphong');
  await cvp.goto(`/can-bo/lich-cong-tac?tuan=${w.monday}`);
  await cvp.locator('#sc-act-approve').click();
  await cvp.getByText('Đã duyệt lịch tuần.').waitFor();
  assertNoErrors(cvp);

  // ---- the clerk publishes ----
  await vt.goto(`/can-bo/lich-cong-tac?tuan=${w.monday}`);
  await vt.locator('#sc-act-publish').click();
  await vt.getByText('Đã công bố lịch tuần').waitFor();
  await vt.locator('#sc-state').getByText('Đã công bố').waitFor();

  // ---- the vice chairman answers from his own calendar ----
  const ld = await newPage(browser, srv, PHONE);
  await login(ld, 'lanhdao');
  await ld.goto(`/can-bo/lich-cua-toi?tuan=${w.monday}`);
  await ld.getByRole('heading', { level: 1, name: 'Lịch của tôi' }).waitFor();
  await assertAccessible(ld, 'my calendar');
  await narrow(ld);
  await ld.getByRole('link', { name: TITLE }).click();
  await ld.getByRole('heading', { name: 'Trả lời thư mời' }).waitFor();
  await ld.getByLabel('Cử người dự thay').check();
  await ld.locator('#sc-send-answer').click();
  await ld.getByText('Trường này là bắt buộc').first().waitFor(); /* the deputy is needed */
  await ld.getByLabel('Người dự thay', { exact: true }).selectOption({ label: 'Võ Thanh Tùng · Phó Chủ tịch UBND Thành phố' });
  await ld.getByLabel('Lý do').fill('Đi công tác Hà Nội');
  await ld.locator('#sc-send-answer').click();
  await ld.getByText('Đã gửi trả lời.').waitFor();
  await ld.locator('#sc-participants').getByText('Cử người dự thay · Võ Thanh Tùng · Đi công tác Hà Nội').waitFor();
  await assertAccessible(ld, 'the event answered');
  await narrow(ld);
  // his private feed's address
  await ld.goto(`/can-bo/lich-cua-toi?tuan=${w.monday}`);
  await ld.locator('#sc-feed').click();
  const url = await ld.locator('#sc-feed-url').inputValue();
  assert.match(url, /\/ical\/people\/[A-Za-z0-9_-]{43}$/);
  const ics = await (await fetch(new URL(new URL(url).pathname, srv.base))).text();
  assert.ok(ics.includes('BEGIN:VCALENDAR') && ics.includes('TZID=Asia/Ho_Chi_Minh'), ics.slice(0, 200));
  assertNoErrors(ld);

  // ---- anyone: the published week ----
  const pub = await newPage(browser, srv, PHONE);
  await pub.goto(`/lich-cong-tac?tuan=${w.monday}`);
  await pub.getByRole('heading', { level: 1, name: 'Lịch công tác tuần' }).waitFor();
  await pub.getByText(TITLE).waitFor();
  await pub.locator('#sc-pdf').waitFor();
  assert.match(await pub.locator('#sc-ical').getAttribute('href'), /^\/ical\/agencies\/\d+$/);
  await assertAccessible(pub, 'the public week');
  await narrow(pub);
  assertNoErrors(pub);
});
