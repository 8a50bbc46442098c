// account.test.mjs - signing up and logging in: Vietnamese messages next to
// the fields, nothing typed is lost, the session only in the HttpOnly
// cookie (nothing secret readable by scripts), logging out, going back to
// the page that asked for a login.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, assertAccessible, assertNoErrors, login, DEMO, PASSWORD, waitForPath } from './lib/harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('sign up: errors next to the fields, then an account and a session', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/');
  await page.getByRole('link', { name: 'Đăng ký', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Đăng ký tài khoản công dân' }).waitFor();
  await assertAccessible(page, 'sign-up page');

  // nothing filled in: each required field says so
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  const id = page.getByLabel('Số định danh cá nhân (CCCD) *');
  assert.equal(await id.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#f-id_number-err').textContent(), 'Trường này là bắt buộc');
  assert.equal(await page.getByLabel('Họ, chữ đệm và tên *').getAttribute('aria-invalid'), 'true');

  // the server's own checks: a bad phone number, explained in Vietnamese
  await id.fill('079195012345');
  await page.getByLabel('Họ, chữ đệm và tên *').fill('Trần Thị Bích');
  await page.getByLabel('Nữ').check();
  await page.getByLabel('Ngày sinh').fill('31/02/1995');
  await page.getByLabel('Số điện thoại *').fill('12345');
  await page.getByLabel('Thư điện tử').fill('bich@example.vn');
  await page.getByRole('combobox', { name: /^Phường, xã nơi cư trú/ }).fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await page.getByLabel('Mật khẩu *', { exact: true }).fill('matkhau-an-toan');
  await page.getByLabel('Nhập lại mật khẩu *').fill('matkhau-khac');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  assert.equal(await page.locator('#f-password2-err').textContent(), 'Hai mật khẩu không giống nhau');
  assert.equal(await page.locator('#f-birth_date-err').textContent(), 'Ngày sinh không hợp lệ (ngày/tháng/năm)');
  await page.getByLabel('Ngày sinh').fill('02/09/1995');
  await page.getByLabel('Nhập lại mật khẩu *').fill('matkhau-an-toan');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  await page.locator('#f-phone-err').waitFor();
  assert.match(await page.locator('#f-phone-err').textContent(), /Số điện thoại phải gồm 10 chữ số/);
  assert.equal(await id.inputValue(), '079195012345', 'what was typed is kept');
  await assertAccessible(page, 'sign-up page with errors');

  await page.getByLabel('Số điện thoại *').fill('0903123456');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  await waitForPath(page, '/ho-so-cua-toi');
  await page.locator('#who', { hasText: 'Trần Thị Bích' }).waitFor();

  // the session is the HttpOnly cookie: scripts cannot read it, and nothing
  // but the language preference is kept in localStorage
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'motcua_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Lax');
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k !== 'lang')), []);

  // the same ID again is refused, next to the field
  const other = await newPage(browser, srv);
  await other.goto('/dang-ky');
  await other.getByLabel('Số định danh cá nhân (CCCD) *').fill('079195012345');
  await other.getByLabel('Họ, chữ đệm và tên *').fill('Người Khác');
  await other.getByLabel('Số điện thoại *').fill('0903000000');
  await other.getByRole('combobox', { name: /^Phường, xã nơi cư trú/ }).fill('sai gon');
  await other.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await other.getByLabel('Mật khẩu *', { exact: true }).fill('matkhau-khac-nua');
  await other.getByLabel('Nhập lại mật khẩu *').fill('matkhau-khac-nua');
  await other.getByRole('button', { name: 'Đăng ký' }).click();
  await other.locator('#f-id_number-err').waitFor();
  assert.match(await other.locator('#f-id_number-err').textContent(), /đã có tài khoản/);
  assertNoErrors(page);
  assertNoErrors(other);
});

test('log in: wrong passwords again and again make this device wait, and the page says how long', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill(DEMO.clerk);
  // the first ones are refused as wrong; then each further one doubles a
  // wait that the page states (the server's Retry-After)
  let wrong = 0;
  for (let i = 0; i < 20 && !(await page.locator('#login-wait').count()); i++) {
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').waitFor();
    if (/không đúng/i.test(await page.getByRole('alert').textContent())) wrong++;
  }
  assert.ok(wrong >= 5, `${wrong} wrong passwords were refused as wrong before any wait`);
  assert.match(await page.locator('#login-wait').textContent(), /Vui lòng chờ \d+ (giây|phút) rồi thử lại/);
  await assertAccessible(page, 'login page with a wait');
  assertNoErrors(page, [/429/]);
});

test('log in: a wrong password is refused, the right one opens the page asked for', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/dang-nhap?next=/thu-tuc/1.004873');
  await assertAccessible(page, 'login page');
  await page.getByLabel('Tên đăng nhập').fill(DEMO.citizen);
  await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /không đúng/i);
  assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), DEMO.citizen, 'the username is kept');
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await waitForPath(page, '/thu-tuc/1.004873');
  // an open redirect is not followed
  await page.goto('/dang-nhap?next=//evil.example/');
  await waitForPath(page, '/ho-so-cua-toi');
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByRole('link', { name: 'Đăng nhập', exact: true }).waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401, 'the session is gone on the server too');
  assertNoErrors(page);
});

test('officials land on their work queues', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await waitForPath(page, '/can-bo');
  assert.ok(await page.getByRole('link', { name: 'Tiếp nhận tại quầy' }).isVisible());
});
