// inputs.test.mjs - what people type, in a real browser, taken as they
// mean it: a limit "at most 200 characters" takes 200 Vietnamese letters
// (not 200 bytes), phone numbers written with spaces, dots or +84 are
// taken and stored in one form on every form, the tracking code and
// secret are found whatever their case, the login page warns before the
// waits begin and says how long a wait is, and a name with digits or
// emoji is refused next to its field, in Vietnamese and in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, DEMO, PASSWORD, waitForPath } from './lib/harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// 149 characters, 207 bytes of UTF-8: under "at most 200 characters"
const PURPOSE = 'Tôi đề nghị xác nhận tình trạng hôn nhân để làm thủ tục đăng ký kết hôn với người nước '
  + 'ngoài tại Sở Tư pháp Thành phố Hồ Chí Minh, dự kiến nộp hồ sơ.';

// The message next to a control (linked by aria-describedby).
async function errorOf(locator) {
  assert.equal(await locator.getAttribute('aria-invalid'), 'true', 'aria-invalid');
  const ids = ((await locator.getAttribute('aria-describedby')) || '').split(' ').filter((x) => x.endsWith('-err'));
  assert.equal(ids.length, 1, 'one error message linked by aria-describedby');
  return (await locator.page().locator(`[id="${ids[0]}"]`).textContent()).trim();
}

// Fill the sign-up form (the page at /dang-ky).
async function fillSignup(page, { id, name, phone }) {
  await page.getByLabel('Số định danh cá nhân (CCCD) *').fill(id);
  await page.getByLabel('Họ, chữ đệm và tên *').fill(name);
  await page.getByLabel('Số điện thoại *').fill(phone);
  const ward = page.getByRole('combobox', { name: /^Phường, xã nơi cư trú/ });
  if (!(await ward.inputValue())) {
    await ward.fill('sai gon');
    await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  }
  await page.getByLabel('Mật khẩu *', { exact: true }).fill('matkhau-an-toan');
  await page.getByLabel('Nhập lại mật khẩu *').fill('matkhau-an-toan');
}

// Apply online for 1.004873 as the demo citizen up to the review step.
async function fillApplication(page, purpose, phone) {
  await page.goto('/nop-ho-so/1.004873');
  const box = (name) => page.getByRole('textbox', { name, exact: true });
  await box('Họ, chữ đệm và tên').fill('Nguyễn Văn An');
  await box('Số định danh cá nhân').fill(DEMO.citizen);
  await box('Ngày sinh').fill('14/05/2003');
  await page.getByRole('combobox', { name: 'Nơi cư trú (xã/phường)' }).fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await page.getByRole('radiogroup', { name: 'Tình trạng hôn nhân hiện tại' }).getByLabel('Chưa đăng ký kết hôn').check();
  await box('Mục đích sử dụng').fill(purpose);
  if (phone) await page.locator('#c-phone').fill(phone);
}

test('a limit in characters takes 149 Vietnamese characters of 207 bytes, and says "characters" when over', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  await fillApplication(page, PURPOSE, '0903 123 456');
  const purpose = page.getByRole('textbox', { name: 'Mục đích sử dụng', exact: true });
  assert.equal(await page.locator(`[id="${(await purpose.getAttribute('aria-describedby')).split(' ')[0]}"]`).textContent(),
    'Tối đa 200 ký tự.');
  assert.equal(await purpose.inputValue(), PURPOSE, 'the whole sentence is in the box');
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await page.locator('#review').waitFor();
  assert.ok((await page.locator('#review').textContent()).includes(PURPOSE));
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đã nộp hồ sơ' }).waitFor();
  const code = (await page.locator('#dossier-code').textContent()).trim();

  // the server kept it whole, and the phone in its one form
  const d = await page.evaluate(async (c) => (await fetch(`/api/v1/dossiers/${c}`)).json(), code);
  assert.equal(d.form.purpose, PURPOSE);
  assert.equal(d.applicant.phone, '0903123456');

  // more than 200 characters (a pasted text ignores maxlength): said in
  // characters, next to the field
  await fillApplication(page, 'ư'.repeat(150));
  await purpose.evaluate((el, v) => { el.value = v; }, 'ư'.repeat(201));
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  assert.equal(await errorOf(purpose), 'Dài quá 200 ký tự, vui lòng rút gọn.');
  await assertAccessible(page, 'apply form, a field too long');
  assertNoErrors(page);
});

test('phone numbers as people write them: taken at sign-up and stored in one form; others refused with the rule', async () => {
  // with spaces: taken, and stored as digits
  const page = await newPage(browser, srv);
  await page.goto('/dang-ky');
  await fillSignup(page, { id: '079195012351', name: 'Trần Thị Bích', phone: '0903 123 456' });
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  await waitForPath(page, '/ho-so-cua-toi');
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert.equal(me.phone, '0903123456');

  // with dots, and with +84: the same number
  for (const [id, typed] of [['079195012352', '0903.123.456'], ['079195012353', '+84 903 123 456']]) {
    const p = await newPage(browser, srv);
    await p.goto('/dang-ky');
    await fillSignup(p, { id, name: 'Trần Thị Bích', phone: typed });
    await p.getByRole('button', { name: 'Đăng ký' }).click();
    await waitForPath(p, '/ho-so-cua-toi');
    assert.equal((await p.evaluate(async () => (await fetch('/api/v1/me')).json())).phone, '0903123456', typed);
    assertNoErrors(p);
  }

  // not a number of the plan (01x went in 2018): refused with the rule
  const bad = await newPage(browser, srv);
  await bad.goto('/dang-ky');
  await fillSignup(bad, { id: '079195012354', name: 'Trần Thị Bích', phone: '0123 456 789' });
  await bad.getByRole('button', { name: 'Đăng ký' }).click();
  await bad.locator('#f-phone-err').waitFor();
  assert.match(await errorOf(bad.getByLabel('Số điện thoại *')), /bắt đầu bằng 03, 05, 07, 08 hoặc 09/);
  await assertAccessible(bad, 'sign-up, a phone number that is not one');
  assertNoErrors(page);
  assertNoErrors(bad);
});

test('tracking: the code and secret typed in lower case, with spaces, are found', async () => {
  // a dossier to track, submitted through the API
  const login = await fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: DEMO.citizen, password: PASSWORD, token: true }),
  });
  const tok = (await login.json()).token;
  const r = await fetch(`${srv.base}/api/v1/dossiers`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      procedure_code: '1.004873',
      form: { full_name: 'Nguyễn Văn An', id_number: DEMO.citizen, birth_date: '2003-05-14', residence_unit: '26740', marital_status: 'single', purpose: 'Kết hôn' },
    }),
  });
  assert.equal(r.status, 201);
  const { code, secret } = await r.json();
  assert.match(secret, /[A-Z]/, 'the secret has letters');

  const page = await newPage(browser, srv);
  await page.goto('/tra-cuu');
  await page.getByLabel('Mã hồ sơ').fill(` ${code.toLowerCase()} `);
  await page.getByLabel(/^Mã tra cứu/).fill(secret.toLowerCase());
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: code }).waitFor();
  assert.ok(await page.locator('#status').isVisible());
  await assertAccessible(page, 'tracking found from lower case');

  // the address with lower case, as a link someone retyped
  const p2 = await newPage(browser, srv);
  await p2.goto(`/tra-cuu?ma=${encodeURIComponent(code.toLowerCase())}&s=${encodeURIComponent(secret.toLowerCase().replace('-', ''))}`);
  await p2.getByRole('heading', { level: 1, name: code }).waitFor();
  assertNoErrors(page);
  assertNoErrors(p2);
});

test('log in: a warning before the waits begin, then how long to wait, in Vietnamese and English', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill(DEMO.specialist);
  const wrong = async () => {
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').waitFor();
    return (await page.getByRole('alert').textContent()).trim();
  };
  // 5 free tries: the first two say nothing more
  assert.equal(await wrong(), 'Tên đăng nhập hoặc mật khẩu không đúng');
  assert.equal(await page.locator('#login-warning').count(), 0);
  assert.equal(await wrong(), 'Tên đăng nhập hoặc mật khẩu không đúng');
  assert.equal(await page.locator('#login-warning').count(), 0);
  // from 2 left: said in the same alert
  await wrong();
  assert.equal(await page.locator('#login-warning').textContent(),
    'Còn 2 lần thử trước khi thiết bị này phải chờ; sau đó mỗi lần nhập sai phải chờ lâu gấp đôi.');
  await assertAccessible(page, 'login page with a warning');
  await wrong();
  assert.match(await page.locator('#login-warning').textContent(), /^Còn 1 lần thử/);
  await wrong();
  assert.match(await page.locator('#login-warning').textContent(), /^Đã hết số lần thử: lần tới hãy chờ \d+ giây/);

  // in English too, with the wait
  const en = await newPage(browser, srv);
  await en.goto('/dang-nhap');
  await en.evaluate(() => localStorage.setItem('lang', 'en'));
  await en.reload();
  await en.getByLabel('Username').fill(DEMO.wardSpecialist);
  const texts = [];
  for (let i = 0; i < 20 && !(await en.locator('#login-wait').count()); i++) {
    await en.getByLabel('Password', { exact: true }).fill('wrong-password');
    await en.getByRole('button', { name: 'Log in' }).click();
    await en.getByRole('alert').waitFor();
    texts.push((await en.getByRole('alert').textContent()).trim());
  }
  assert.equal(texts[0], 'Wrong user name or password');
  assert.equal(texts[2], 'Wrong user name or password Tries left before this device must wait: 2; after that, each wrong password doubles the wait.');
  assert.match(texts[3], /Tries left before this device must wait: 1;/);
  assert.match(texts[4], /No tries left: wait \d+ s before the next one/);
  assert.match(await en.locator('#login-wait').textContent(), /Please wait \d+ s and try again/);
  assertNoErrors(page);
  assertNoErrors(en, [/429/]);
});

test('names: digits and emoji refused next to the field, letters with diacritics, hyphens and apostrophes taken', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/dang-ky');
  await fillSignup(page, { id: '079195012361', name: 'Nguyễn Văn 3', phone: '0903123456' });
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  const name = page.getByLabel('Họ, chữ đệm và tên *');
  await page.locator('#f-full_name-err').waitFor();
  assert.match(await errorOf(name), /^Họ tên chỉ gồm chữ cái/);
  await assertAccessible(page, 'sign-up, a name with a digit');
  await name.fill('Lê 😀');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  await page.waitForFunction(() => document.getElementById('f-full_name-err'));
  assert.match(await errorOf(name), /^Họ tên chỉ gồm chữ cái/);
  await name.fill("H'Hen Niê-Ánh");
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  await waitForPath(page, '/ho-so-cua-toi');
  await page.locator('#who', { hasText: "H'Hen Niê-Ánh" }).waitFor();

  // the application form's names are checked the same
  const cit = await newPage(browser, srv);
  await login(cit, DEMO.citizen);
  await fillApplication(cit, 'Kết hôn');
  const fullName = cit.getByRole('textbox', { name: 'Họ, chữ đệm và tên', exact: true });
  await fullName.fill('Nguyễn Văn An 2');
  await cit.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await cit.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await cit.locator('#f-full_name-err').waitFor();
  assert.match(await errorOf(fullName), /^Họ tên chỉ gồm chữ cái/);
  assertNoErrors(page);
  assertNoErrors(cit);
});
