// feedback.test.mjs - citizens' feedback in the browser, all on a 360 px
// phone: someone without an account reports a problem (an empty form
// first, refused field by field; then the category, the ward from the
// picker, the address, a text with their phone number in it, a JPEG photo
// drawn by the browser) and is given the code and the secret; the ward's
// official finds it in the work list and answers publicly; the
// moderator (the City office) approves the text, then the answer; anyone
// then finds it in the public list searching without diacritics, reads it
// with the phone number masked and sees its photo; the author follows it
// with the secret and rates the answer once; a citizen signed in reports
// without giving a phone and finds it among their reports; the figures
// count them; the pages in English.  axe-core on every page; nothing wider than the phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, PHONE } from './lib/harness.mjs';

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

async function check(page, what) {
  await assertAccessible(page, what);
  await narrow(page);
}

// A small JPEG drawn by the browser's canvas.
async function jpeg(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 80;
    c.height = 60;
    const g = c.getContext('2d');
    g.fillStyle = '#3a7';
    g.fillRect(0, 0, 80, 60);
    g.fillStyle = '#c33';
    g.fillRect(20, 15, 40, 30);
    return c.toDataURL('image/jpeg', 0.9).split(',')[1];
  });
  return Buffer.from(b64, 'base64');
}

test('a citizen reports, the ward answers, the moderator approves, the public finds it, the author rates', async () => {
  const TEXT = 'Quán nhậu lấn chiếm vỉa hè đường Lê Lợi suốt buổi tối, liên hệ tôi 0903 123 456';
  // ---- the citizen, not signed in ----
  const cz = await newPage(browser, srv, PHONE);
  await cz.goto('/phan-anh');
  await cz.getByRole('heading', { name: 'Phản ánh kiến nghị', level: 1 }).waitFor();
  await check(cz, 'the public list');
  await cz.getByRole('link', { name: 'Gửi phản ánh' }).first().click();
  await cz.getByRole('heading', { name: 'Gửi phản ánh, kiến nghị', level: 1 }).waitFor();
  await check(cz, 'the report form');
  // nothing filled: each field said
  await cz.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await cz.locator('#f-category-err').waitFor();
  await cz.locator('#f-phone-err').waitFor();
  await cz.locator('#f-text-err').waitFor();
  await check(cz, 'the report form with its errors');
  await cz.getByLabel('Lĩnh vực *').selectOption({ label: 'Trật tự đô thị' });
  await cz.getByRole('combobox', { name: /Phường, xã/ }).fill('Sai Gon');
  await cz.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await cz.getByLabel('Địa chỉ cụ thể *').fill('12 Lê Lợi');
  await cz.getByLabel('Nội dung phản ánh *').fill(TEXT);
  await cz.getByLabel(/^Ảnh hiện trường/).setInputFiles({ name: 'hien-truong.jpg', mimeType: 'image/jpeg', buffer: await jpeg(cz) });
  await cz.getByLabel('Họ và tên *').fill('Lê Thị Hoa');
  await cz.getByLabel('Số điện thoại *').fill('0903 123 456');
  await cz.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await cz.locator('#fb-done').waitFor();
  const code = await cz.locator('#fb-code').textContent();
  const secret = await cz.locator('#fb-secret').textContent();
  assert.match(code, /^PA\d{6}-[A-Z0-9]{6}$/);
  assert.match(secret, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await cz.locator('img.fb-photo').waitFor();
  assert.equal(await cz.locator('#fb-agency').textContent(), 'UBND Phường Sài Gòn');
  await check(cz, 'the confirmation');
  assertNoErrors(cz);

  // ---- the ward's official answers ----
  const ward = await newPage(browser, srv, PHONE);
  await login(ward, 'chuyenvien.p26740');
  await ward.goto('/can-bo/phan-anh');
  await ward.getByRole('heading', { name: 'Phản ánh kiến nghị của người dân', level: 1 }).waitFor();
  await check(ward, 'the work list');
  await ward.locator('#fb-work a', { hasText: 'Quán nhậu' }).click();
  await ward.getByRole('heading', { name: 'Chi tiết phản ánh', level: 1 }).waitFor();
  assert.match(await ward.locator('#fb-author').textContent(), /0903123456/);
  await check(ward, "the official's report page");
  await ward.getByLabel('Nội dung trả lời *').fill('Phường đã lập biên bản và yêu cầu dọn dẹp vỉa hè.');
  await ward.getByRole('button', { name: 'Gửi trả lời' }).click();
  await ward.locator('#fb-act-done').waitFor();
  await ward.locator('#fb-answer').waitFor();
  assertNoErrors(ward);

  // ---- not public before moderation ----
  const anyone = await newPage(browser, srv, PHONE);
  await anyone.goto(`/phan-anh/${code}`);
  await anyone.locator('#fb-follow').waitFor();
  await check(anyone, 'a report not public yet');

  // ---- the moderator approves the text, then the answer ----
  const mod = await newPage(browser, srv, PHONE);
  await login(mod, 'vanthu.vp');
  await mod.goto('/can-bo/phan-anh');
  await mod.locator('#fb-queue a', { hasText: 'Quán nhậu' }).click();
  await mod.getByRole('heading', { name: 'Kiểm duyệt' }).waitFor();
  assert.match(await mod.locator('#fb-public-text').textContent(), /liên hệ tôi \*\*\*/);
  await check(mod, "the moderator's report page");
  await mod.getByLabel('Nội dung phản ánh', { exact: true }).check();
  await mod.getByRole('button', { name: 'Ghi kết quả kiểm duyệt' }).click();
  await mod.locator('#fb-act-done').waitFor();
  await mod.getByLabel('Nội dung trả lời', { exact: true }).check();
  await mod.getByRole('button', { name: 'Ghi kết quả kiểm duyệt' }).click();
  await mod.locator('#fb-act-done').waitFor();
  assertNoErrors(mod);

  // ---- anyone finds it without diacritics, masked ----
  await anyone.goto('/phan-anh');
  await anyone.getByLabel('Tìm phản ánh').fill('lan chiem via he');
  await anyone.getByRole('button', { name: 'Tìm', exact: true }).click();
  await anyone.locator('#fb-list a', { hasText: 'Quán nhậu' }).click();
  await anyone.locator('#fb-text').waitFor();
  const shown = await anyone.locator('#fb-text').textContent();
  assert.ok(shown.includes('liên hệ tôi ***') && !shown.includes('0903'), shown);
  assert.match(await anyone.locator('#fb-answer').textContent(), /lập biên bản/);
  await anyone.locator('img.fb-photo').waitFor();
  assert.equal(await anyone.locator('#fb-rate').count(), 0);
  await check(anyone, 'a public report');

  // ---- the author rates the answer, once ----
  await cz.goto(`/phan-anh/${code}?s=${secret}`);
  await cz.getByRole('heading', { name: 'Đánh giá câu trả lời' }).waitFor();
  await check(cz, 'the rating form');
  await cz.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await cz.locator('#f-comment').waitFor();
  await cz.getByLabel('5/5 sao').check();
  await cz.getByLabel('Nhận xét').fill('Xử lý nhanh');
  await cz.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await cz.locator('#fb-rating').waitFor();
  assert.equal(await cz.locator('#fb-rate').count(), 0);
  assertNoErrors(cz, [/422/]);

  // ---- a citizen signed in: no name or phone asked, their reports listed ----
  const an = await newPage(browser, srv, PHONE);
  await login(an, '079203001234');
  await an.goto('/phan-anh/gui');
  await an.getByLabel('Lĩnh vực *').selectOption({ label: 'Chiếu sáng công cộng' });
  await an.getByRole('combobox', { name: /Phường, xã/ }).fill('Sai Gon');
  await an.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await an.getByLabel('Địa chỉ cụ thể *').fill('Công viên 23/9');
  await an.getByLabel('Nội dung phản ánh *').fill('Đèn công viên không sáng');
  assert.equal(await an.getByLabel('Số điện thoại *').count(), 0);
  await an.getByLabel(/^Ảnh hiện trường/).setInputFiles({ name: 'den.png', mimeType: 'image/jpeg', buffer: await jpeg(an) });
  await an.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await an.locator('#fb-done').waitFor();
  const mine = await an.locator('#fb-code').textContent();
  await an.locator('img.fb-photo').waitFor();
  await an.goto('/phan-anh');
  await an.locator('#fb-mine a', { hasText: 'Đèn công viên' }).waitFor();
  await check(an, 'the public list with my reports');
  await an.locator('#fb-mine a', { hasText: 'Đèn công viên' }).click();
  await an.locator('#fb-h', { hasText: mine }).waitFor();
  assertNoErrors(an);

  // ---- the figures ----
  await anyone.goto('/phan-anh/so-lieu');
  await anyone.locator('#fb-figures-table').waitFor();
  const row = anyone.locator('#fb-figures-table tbody tr', { hasText: 'UBND Phường Sài Gòn' });
  assert.equal(await row.locator('td').first().textContent(), '1');
  await check(anyone, 'the figures');
  // the same in English
  await anyone.locator('#lang').click();
  await anyone.getByRole('heading', { name: 'Feedback figures', level: 1 }).waitFor();
  await check(anyone, 'the figures in English');
  await anyone.goto(`/phan-anh/${code}`);
  await anyone.getByRole('heading', { name: "The agency's answer" }).waitFor();
  assertNoErrors(anyone);
});
