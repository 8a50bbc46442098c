// calendar.test.mjs - the days-off page (/quan-tri/lich-nghi) in a real
// browser: 2026 follows the official schedule shipped in data/calendar
// (Friday 2/1 off, Saturday 10/1 worked, the decision named); 2027 has no
// decision and follows the rules, with two nghỉ bù after Tết's weekend; an
// administrator records 2027's decision (a bad line is refused with its
// line number, nothing saved), the table follows it, then goes back to the
// rules; a clerk sees the days but no form; axe-core on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, DEMO } from './lib/harness.mjs';

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); });

const row = (page, date) => page.locator(`#cal-days tr[data-date="${date}"]`);

test('2026 follows the shipped official schedule, 2027 the rules', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto('/quan-tri/lich-nghi?nam=2026');
  await assert.doesNotReject(page.locator('#cal-basis', { hasText: '12729/VPCP-KGVX' }).waitFor());
  assert.match(await row(page, '2026-01-02').innerText(), /Thứ Sáu, 02\/01\/2026\s+Nghỉ Tết Dương lịch.*\s+Nghỉ/);
  assert.match(await row(page, '2026-01-10').innerText(), /Thứ Bảy, 10\/01\/2026.*Làm bù/);
  assert.equal(await page.locator('#cal-days tbody tr').count(), 15);
  // a clerk reads (the menu has the page), but has no form
  assert.equal(await page.locator('#cal-form').count(), 0);
  assert.equal(await page.locator('nav a[href="/quan-tri/lich-nghi"]').count(), 1);

  await page.getByLabel('Năm', { exact: true }).fill('2027');
  await page.getByRole('button', { name: 'Xem', exact: true }).click();
  await page.locator('#cal-basis', { hasText: 'Bộ luật Lao động 2019' }).waitFor();
  assert.match(await row(page, '2027-02-10').innerText(), /Thứ Tư, 10\/02\/2027\s+Nghỉ bù/);
  assert.match(await row(page, '2027-02-11').innerText(), /Thứ Năm, 11\/02\/2027\s+Nghỉ bù/);
  await assertAccessible(page, 'the days-off page');
  assertNoErrors(page);
});

test('an administrator records 2027 and goes back to the rules', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.admin);
  await page.locator('nav a[href="/quan-tri/lich-nghi"]').click();
  await page.locator('#cal-form').waitFor();
  await page.getByLabel('Năm', { exact: true }).fill('2027');
  await page.getByRole('button', { name: 'Xem', exact: true }).click();
  await page.locator('#cal-form h2', { hasText: '2027' }).waitFor();
  await assertAccessible(page, 'the days-off page with its form');

  // the text box starts from the rules' days; the decision swaps 12/2
  const days = page.getByLabel('Ngày nghỉ trong tuần (thứ Hai đến thứ Sáu)');
  assert.match(await days.inputValue(), /^01\/01\/2027 Tết Dương lịch$/m);
  await page.getByLabel('Số, ký hiệu và cơ quan ban hành văn bản').fill('Công văn 9999/VPCP-KGVX (thử nghiệm)');
  await page.getByLabel('Ngày ban hành').fill('15/10/2026');
  const lines = (await days.inputValue()).split('\n');
  await days.fill([...lines, '31/02/2027 Ngày không có'].join('\n'));
  await page.getByLabel('Ngày làm bù (thứ Bảy, Chủ nhật đi làm)').fill('20/02/2027 Làm bù ngày 12/02/2027');
  await page.getByRole('button', { name: 'Lưu lịch nghỉ' }).click();
  const err = page.locator('#f-days_off-err');
  await err.waitFor();
  assert.match(await err.innerText(), new RegExp(`Dòng ${lines.length + 1}: Ngày không hợp lệ`));
  assert.equal(await days.getAttribute('aria-invalid'), 'true');
  // a Saturday as a day off: the server's word, on its line
  await days.fill([...lines, '13/02/2027 Thứ Bảy'].join('\n'));
  await page.getByRole('button', { name: 'Lưu lịch nghỉ' }).click();
  await page.locator('#f-days_off-err', { hasText: `Dòng ${lines.length + 1}: Thứ Bảy, Chủ nhật đã là ngày nghỉ hằng tuần` }).waitFor();
  // nothing was saved
  const api = await (await fetch(`${srv.base}/api/v1/calendar/years/2027`)).json();
  assert.equal(api.official, null);

  await days.fill([...lines, '12/02/2027 Nghỉ Tết (hoán đổi)'].join('\n'));
  await page.getByRole('button', { name: 'Lưu lịch nghỉ' }).click();
  await page.locator('.notice[role="status"]', { hasText: 'Đã lưu lịch nghỉ chính thức năm 2027' }).waitFor();
  await page.locator('#cal-basis', { hasText: 'Công văn 9999/VPCP-KGVX' }).waitFor();
  assert.match(await row(page, '2027-02-12').innerText(), /Nghỉ Tết \(hoán đổi\)/);
  assert.match(await row(page, '2027-02-20').innerText(), /Thứ Bảy, 20\/02\/2027.*Làm bù/);

  // back to the rules: a second click confirms
  const clear = page.locator('#cal-clear');
  await clear.click();
  assert.match(await clear.innerText(), /Bấm lần nữa/);
  await clear.click();
  await page.locator('.notice[role="status"]', { hasText: 'quy tắc của Bộ luật Lao động' }).waitFor();
  await page.locator('#cal-basis', { hasText: 'Bộ luật Lao động 2019' }).waitFor();
  assert.equal(await row(page, '2027-02-12').count(), 0);
  assert.equal(await row(page, '2027-02-20').count(), 0);
  assertNoErrors(page);
});
