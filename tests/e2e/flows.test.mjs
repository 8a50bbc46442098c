// flows.test.mjs - the flows people missed (issue 10): a citizen who forgot
// the password gets a code from a reception clerk and sets a new one; a
// business signs up; a visitor reads a procedure's steps and downloads a
// paper's template; a procedure with a fee says how to pay all the way to
// the submission.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, assertAccessible, assertNoErrors, login, DEMO, PASSWORD, waitForPath, pageWeight } from './lib/harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('forgot password: the login page says how, a clerk issues a code, the citizen sets a new password', async () => {
  const citizen = await newPage(browser, srv);
  const id = '079185176822';
  // an older session of the account, which the reset must end
  const old = await newPage(browser, srv);
  await login(old, id);

  await citizen.goto('/dang-nhap');
  assert.match(await citizen.locator('#forgot-hint').textContent(), /quầy tiếp nhận.*thẻ Căn cước|thẻ Căn cước.*quầy tiếp nhận/);
  await citizen.getByRole('link', { name: 'Quên mật khẩu?' }).click();
  await waitForPath(citizen, '/quen-mat-khau');
  await citizen.getByRole('heading', { level: 1, name: 'Quên mật khẩu' }).waitFor();
  assert.match(await citizen.locator('#fp-steps').textContent(), /bất kỳ quầy tiếp nhận/);
  await assertAccessible(citizen, 'forgot password page');

  // at the counter: the clerk checks the card and issues a code
  const clerk = await newPage(browser, srv);
  await login(clerk, DEMO.clerk);
  await clerk.getByRole('link', { name: 'Cấp mã đặt lại mật khẩu' }).click();
  await waitForPath(clerk, '/can-bo/cap-ma-dat-lai');
  await assertAccessible(clerk, 'issue a reset code');
  await clerk.getByLabel('Số định danh cá nhân hoặc mã số doanh nghiệp *').fill(id);
  await clerk.getByRole('button', { name: 'Cấp mã' }).click();
  await clerk.locator('#f-identity_checked-err').waitFor();   // the card first
  await clerk.getByLabel('Tôi đã đối chiếu thẻ Căn cước (giấy tờ) của người yêu cầu').check();
  await clerk.getByRole('button', { name: 'Cấp mã' }).click();
  const code = (await clerk.locator('#rc-code').textContent()).trim();
  assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.match(await clerk.locator('#rc-holder').textContent(), /Trần Thị Bình.*02\/11\/1985/);
  await assertAccessible(clerk, 'a reset code issued');

  // a wrong code is refused next to its field; the right one sets the password
  await citizen.getByLabel('Số định danh cá nhân hoặc mã số doanh nghiệp *').fill(id);
  await citizen.getByLabel('Mã đặt lại mật khẩu *').fill('AAAA-BBBB-CCCC');
  await citizen.getByLabel('Mật khẩu mới *').fill('Mat-Khau-Moi-2026');
  await citizen.getByLabel('Nhập lại mật khẩu *').fill('Mat-Khau-Moi-2026');
  await citizen.getByRole('button', { name: 'Đặt mật khẩu mới' }).click();
  await citizen.locator('#f-code-err').waitFor();
  assert.match(await citizen.locator('#f-code-err').textContent(), /không đúng, đã dùng hoặc đã hết hạn/);
  await assertAccessible(citizen, 'forgot password page with an error');
  await citizen.getByLabel('Mã đặt lại mật khẩu *').fill(code.toLowerCase());
  await citizen.getByRole('button', { name: 'Đặt mật khẩu mới' }).click();
  await waitForPath(citizen, '/ho-so-cua-toi');
  await citizen.locator('#who', { hasText: 'Trần Thị Bình' }).waitFor();

  // the older session has ended; the old password no longer opens one
  assert.equal(await old.evaluate(async () => (await fetch('/api/v1/me')).status), 401);
  const st = await citizen.evaluate(async (u) => (await fetch('/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: u, password: 'motcua2026', token: true }),
  })).status, id);
  assert.equal(st, 401);
  assertNoErrors(citizen, [/422/, /401/]);
  assertNoErrors(clerk, [/422/]);
});

test('forgot password: a citizen cannot issue codes', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  assert.equal(await page.getByRole('link', { name: 'Cấp mã đặt lại mật khẩu' }).count(), 0);
  await page.goto('/can-bo/cap-ma-dat-lai');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /không có quyền/);
  assertNoErrors(page);
});

test('a business signs up from the sign-up page, with errors next to the fields', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/dang-ky');
  await page.getByRole('link', { name: 'Đăng ký tài khoản doanh nghiệp' }).click();
  await waitForPath(page, '/dang-ky-doanh-nghiep');
  await page.getByRole('heading', { level: 1, name: 'Đăng ký tài khoản doanh nghiệp' }).waitFor();
  await assertAccessible(page, 'business sign-up page');

  await page.getByRole('button', { name: 'Đăng ký' }).click();
  assert.equal(await page.locator('#f-tax_code-err').textContent(), 'Trường này là bắt buộc');
  assert.equal(await page.getByLabel('Tên doanh nghiệp *').getAttribute('aria-invalid'), 'true');

  await page.getByLabel('Mã số doanh nghiệp *').fill('031234567');
  await page.getByLabel('Tên doanh nghiệp *').fill('Công ty TNHH Sao Mai');
  await page.getByLabel('Người đại diện').fill('Lê Thị Thu');
  await page.getByLabel('Số điện thoại *').fill('12345');
  await page.getByLabel('Thư điện tử liên hệ *').fill('lienhe@saomai.vn');
  await page.getByLabel('Mật khẩu *', { exact: true }).fill('Sao-Mai-2026');
  await page.getByLabel('Nhập lại mật khẩu *').fill('Sao-Mai-2026');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  assert.match(await page.locator('#f-tax_code-err').textContent(), /10 chữ số/);
  await page.getByLabel('Mã số doanh nghiệp *').fill('0312345679');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  // the server's own check of the phone number, next to the field
  await page.locator('#f-phone-err').waitFor();
  assert.match(await page.locator('#f-phone-err').textContent(), /Số điện thoại/);
  assert.equal(await page.getByLabel('Tên doanh nghiệp *').inputValue(), 'Công ty TNHH Sao Mai', 'what was typed is kept');
  await assertAccessible(page, 'business sign-up page with errors');
  await page.getByLabel('Số điện thoại *').fill('0903123457');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  await waitForPath(page, '/ho-so-cua-toi');
  await page.locator('#who', { hasText: 'Công ty TNHH Sao Mai' }).waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert.equal(me.kind, 'business');
  assert.equal(me.tax_code, '0312345679');

  // the same code again: refused next to the field
  const other = await newPage(browser, srv);
  await other.goto('/dang-ky-doanh-nghiep');
  await other.getByLabel('Mã số doanh nghiệp *').fill('0312345679');
  await other.getByLabel('Tên doanh nghiệp *').fill('Công ty Khác');
  await other.getByLabel('Người đại diện').fill('Người Khác');
  await other.getByLabel('Số điện thoại *').fill('0903000001');
  await other.getByLabel('Thư điện tử liên hệ *').fill('khac@example.vn');
  await other.getByLabel('Mật khẩu *', { exact: true }).fill('Khac-Nua-2026');
  await other.getByLabel('Nhập lại mật khẩu *').fill('Khac-Nua-2026');
  await other.getByRole('button', { name: 'Đăng ký' }).click();
  await other.locator('#f-tax_code-err').waitFor();
  assert.match(await other.locator('#f-tax_code-err').textContent(), /đã có tài khoản/);
  assertNoErrors(page, [/422/]);
  assertNoErrors(other, [/409/]);
});

test('a visitor reads a procedure: who applies, conditions, steps, and downloads a form to fill in', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/thu-tuc/1.001193');
  await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Trình tự thực hiện' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Đối tượng thực hiện' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Yêu cầu, điều kiện' }).waitFor();
  assert.match(await page.locator('#applicants').textContent(), /Cha, mẹ của trẻ/);
  // not in the catalogue: said so, never left blank
  assert.match(await page.locator('#requirements').textContent(), /Chưa có thông tin/);
  // the steps of the catalogue, in order, with who does them
  const steps = await page.locator('#proc-steps li').allTextContents();
  assert.equal(steps.length, 4);
  assert.equal(steps[0], 'Tiếp nhận hồ sơ — Cán bộ một cửa');
  assert.match(steps[3], /^Trả kết quả/);
  await assertAccessible(page, 'procedure page');

  // the declaration has a form to fill in; the birth certificate has none
  const papers = page.locator('#papers li');
  assert.equal(await papers.filter({ hasText: 'Tờ khai đăng ký khai sinh' }).getByRole('link', { name: 'Tải mẫu để điền' }).count(), 1);
  assert.equal(await papers.filter({ hasText: 'Giấy chứng sinh' }).getByRole('link').count(), 0);
  assert.match(await page.locator('#template-note').textContent(), /không phải mẫu ban hành/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Tải mẫu để điền' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), '1.001193-to_khai.pdf');
  const { readFileSync } = await import('node:fs');
  const pdf = readFileSync(await download.path());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.ok(pdf.length > 1000 && pdf.length < 200 * 1024, `the form is ${pdf.length} bytes`);
  // the procedure page stays light
  const bytes = await pageWeight(page, '/thu-tuc/1.001193');
  assert.ok(bytes < 200 * 1024, `the procedure page transferred ${bytes} bytes`);
  assertNoErrors(page);
});

test('a procedure with a fee says how to pay: procedure page, application, review, confirmation', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/thu-tuc/3.000333');
  await page.locator('#pay-how').waitFor();
  const how = await page.locator('#pay-how').textContent();
  assert.match(how, /Nộp trực tiếp: .*200\.000 đ.*nộp tại quầy tiếp nhận khi nộp hồ sơ/);
  assert.match(how, /Nộp trực tuyến: .*200\.000 đ.*nộp tại quầy tiếp nhận khi nhận kết quả/);
  // an unpublished fee keeps the existing wording, never "free"
  await page.goto('/thu-tuc/1.004873');
  await page.locator('#unpayable').waitFor();
  assert.equal(await page.locator('#pay-how').count(), 0);
  await page.goto('/thu-tuc/1.001193');  // free: nothing to pay
  await page.locator('#proc-steps').waitFor();
  assert.equal(await page.locator('#pay-how').count(), 0);

  // applying online for the 200.000 đ certificate: the fee and how to pay
  // it come before anything is filled in
  await login(page, DEMO.citizen);
  await page.goto('/nop-ho-so/3.000333');
  await page.locator('#apply-form').waitFor();
  assert.match(await page.locator('#pay-note').textContent(), /200\.000 đ.*nộp tại quầy tiếp nhận khi nhận kết quả/);
  await assertAccessible(page, 'apply form with a fee');

  // the police that decide 3.000333 are not among the demo agencies, so the
  // submission goes through with another procedure that has a fee (8.000 đ)
  await page.goto('/nop-ho-so/2.000635');
  await page.locator('#apply-form').waitFor();
  assert.match(await page.locator('#pay-note').textContent(), /8\.000 đ.*nộp tại quầy tiếp nhận khi nhận kết quả/);
  const box = (name) => page.getByRole('textbox', { name, exact: true });
  await box('Họ, chữ đệm và tên người được cấp trích lục').fill('Nguyễn Văn An');
  await box('Ngày sinh').fill('14/05/2003');
  await page.getByRole('radiogroup', { name: 'Loại giấy tờ cần sao' }).getByLabel('Giấy khai sinh').check();
  await page.getByRole('combobox', { name: 'Nơi đã đăng ký (xã/phường)' }).fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await page.getByRole('spinbutton', { name: 'Số bản sao' }).fill('1');
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await page.locator('#review').waitFor();
  assert.match(await page.locator('#review-pay').textContent(), /8\.000 đ.*nộp tại quầy tiếp nhận khi nhận kết quả/);
  await assertAccessible(page, 'review step with a fee');
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.locator('#done').waitFor();
  assert.match(await page.locator('#done-pay').textContent(), /8\.000 đ.*nộp tại quầy tiếp nhận khi nhận kết quả/);
  await assertAccessible(page, 'submission confirmation with a fee');
  assertNoErrors(page);
});
