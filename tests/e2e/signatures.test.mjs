// signatures.test.mjs - digital signatures in the browser: the director
// asks for a remote-signing certificate (a PIN typed twice; two that differ
// are refused next to the box), signs his own report with the PIN on the
// draft's page (a wrong PIN first: said next to the PIN box, with the tries
// left, and nothing signed); the clerical officer issues it (numbered and
// sealed); the issued PDF, checked on the public verification page by
// someone not signed in, has two valid signatures (the director's, then
// the Department's seal); the same file with a byte changed is not valid.
// axe-core on the certificate page and the verification page; nothing
// wider than a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, PHONE } from './lib/harness.mjs';

let srv, browser, dir;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'mc-e2e-sign-'));
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function narrow(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width}px wide on a 360px screen`);
}

test('a certificate asked for, a report signed with the PIN, issued, and verified by anyone', async () => {
  // ---- the certificate ----
  const gd = await newPage(browser, srv, PHONE);
  await login(gd, 'giamdoc.stp');
  await gd.goto('/chung-thu-so');
  await gd.getByRole('heading', { level: 1, name: 'Chứng thư số của tôi' }).waitFor();
  await gd.locator('#sg-none').waitFor();
  await gd.getByLabel('Mã PIN mới *').fill('482915');
  await gd.getByLabel('Nhập lại mã PIN *').fill('482916');
  await gd.getByRole('button', { name: 'Đăng ký chứng thư số ký từ xa' }).click();
  await gd.getByText('Hai mã PIN không giống nhau').first().waitFor();
  await gd.getByLabel('Nhập lại mã PIN *').fill('482915');
  await gd.getByLabel('Mật khẩu đăng nhập *').fill('motcua2026');
  await gd.getByRole('button', { name: 'Đăng ký chứng thư số ký từ xa' }).click();
  await gd.getByText('Đã cấp chứng thư số.').waitFor();
  await gd.locator('#sg-current').getByText('Dương Văn Hải').waitFor();
  await assertAccessible(gd, 'the certificate page');
  await narrow(gd);

  // ---- the director's own report, signed with the PIN ----
  const r = await gd.evaluate(async () => {
    const res = await fetch('/api/v1/drafts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': (await (await fetch('/api/v1/session')).json()).csrf_token },
      body: JSON.stringify({ type_code: 'bao_cao', summary: 'Báo cáo kết quả ký số năm 2026', content: 'Sở Tư pháp báo cáo như sau.', recipients: ['UBND Thành phố', 'Lưu: VT'] }),
    });
    return { status: res.status, body: await res.json() };
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await gd.goto(`/can-bo/du-thao/${r.body.id}`);
  const pin = gd.getByLabel('Mã PIN ký số');
  await pin.fill('000000');
  await gd.locator('#sub-submit').click();
  await gd.getByText(/Mã PIN không đúng; còn 4 lần thử/).first().waitFor();
  await pin.fill('482915');
  await gd.locator('#sub-submit').click();
  await gd.locator('#df-status').getByText('Đã ký').waitFor();
  assertNoErrors(gd);

  // ---- issued by the clerical officer: numbered and sealed ----
  const vt = await newPage(browser, srv);
  await login(vt, 'vanthu.stp');
  await vt.goto(`/can-bo/du-thao/${r.body.id}`);
  await vt.locator('#iss-submit').click();
  await vt.locator('#df-status').getByText('Đã phát hành').waitFor();
  const file = await vt.evaluate(async (id) => {
    const d = await (await fetch(`/api/v1/drafts/${id}`)).json();
    const res = await fetch(`/api/v1/documents/${d.document.id}/file`);
    return Array.from(new Uint8Array(await res.arrayBuffer()));
  }, r.body.id);
  const pdf = Buffer.from(file);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  writeFileSync(join(dir, 'issued.pdf'), pdf);
  const bad = Buffer.from(pdf);
  bad[700] ^= 1;
  writeFileSync(join(dir, 'changed.pdf'), bad);

  // ---- verified by anyone ----
  const anyone = await newPage(browser, srv, PHONE);
  await anyone.goto('/');
  await anyone.getByRole('link', { name: 'Xác thực chữ ký' }).click();
  await anyone.getByRole('heading', { level: 1, name: 'Xác thực chữ ký số' }).waitFor();
  await anyone.getByLabel('Tệp đã ký *').setInputFiles(join(dir, 'issued.pdf'));
  await anyone.getByRole('button', { name: 'Kiểm tra' }).click();
  await anyone.getByRole('heading', { name: 'Hợp lệ: 2 chữ ký số đều hợp lệ' }).waitFor();
  const signers = await anyone.locator('#vf-result li.sig strong').allTextContents();
  assert.deepEqual(signers, ['Dương Văn Hải', 'Sở Tư pháp']);
  await anyone.locator('#vf-result').getByText('Tệp có thêm nội dung sau chữ ký này').first().waitFor();
  await assertAccessible(anyone, 'the verification page');
  await narrow(anyone);
  await anyone.getByLabel('Tệp đã ký *').setInputFiles(join(dir, 'changed.pdf'));
  await anyone.getByRole('button', { name: 'Kiểm tra' }).click();
  await anyone.getByRole('heading', { name: /^Không hợp lệ/ }).waitFor();
  await anyone.locator('#vf-result').getByText('Đã bị sửa đổi sau khi ký').first().waitFor();
  assertNoErrors(anyone);
});

test('a citizen signs an online application with the PIN of their certificate', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, '079203001234');
  await page.goto('/chung-thu-so');
  await page.getByLabel('Mã PIN mới *').fill('246810');
  await page.getByLabel('Nhập lại mã PIN *').fill('246810');
  await page.getByLabel('Mật khẩu đăng nhập *').fill('motcua2026');
  await page.getByRole('button', { name: 'Đăng ký chứng thư số ký từ xa' }).click();
  await page.getByText('Đã cấp chứng thư số.').waitFor();
  await page.locator('#sg-current').getByText('Nguyễn Văn An').waitFor();

  await page.goto('/nop-ho-so/1.004873');
  const box = (name) => page.getByRole('textbox', { name, exact: true });
  await box('Họ, chữ đệm và tên').fill('Nguyễn Văn An');
  await box('Số định danh cá nhân').fill('079203001234');
  await box('Ngày sinh').fill('14/05/2003');
  const unit = page.getByRole('combobox', { name: 'Nơi cư trú (xã/phường)' });
  await unit.fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await page.getByRole('radiogroup', { name: 'Tình trạng hôn nhân hiện tại' }).getByLabel('Chưa đăng ký kết hôn').check();
  await box('Mục đích sử dụng').fill('Đăng ký kết hôn');
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  const pin = page.getByLabel('Mã PIN ký số');
  await pin.fill('111111');
  await page.locator('#submit').click();
  await page.locator('#review-status').getByText(/Mã PIN không đúng; còn 4 lần thử/).waitFor();
  await pin.fill('246810');
  await page.locator('#submit').click();
  await page.locator('#dossier-code').waitFor();
  const code = (await page.locator('#dossier-code').textContent()).trim();
  await page.goto(`/ho-so-cua-toi/${encodeURIComponent(code)}`);
  await page.locator('#app-signed').getByText(/Đơn được ký số bởi Nguyễn Văn An/).waitFor();
  await narrow(page);
  assertNoErrors(page);
});

test('a certificate for the key on one\'s own token, from its request', async () => {
  const key = join(dir, 'token.key'), csr = join(dir, 'token.csr');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=token', '-out', csr]);
  const page = await newPage(browser, srv);
  await login(page, 'truongphong.stp');
  await page.goto('/chung-thu-so');
  await page.getByText('Dùng thiết bị ký số của riêng bạn (token, thẻ ký số)').click();
  // no file: said next to the box, nothing sent
  await page.getByRole('button', { name: 'Gửi yêu cầu cấp chứng thư' }).click();
  await page.getByText('Chọn tệp yêu cầu cấp chứng thư (.csr)').first().waitFor();
  await page.getByLabel('Tệp yêu cầu cấp chứng thư (.csr, PKCS#10) *').setInputFiles(csr);
  await page.locator('#tk-password').fill('motcua2026');
  await page.getByRole('button', { name: 'Gửi yêu cầu cấp chứng thư' }).click();
  await page.getByText('Đã cấp chứng thư số.').waitFor();
  await page.locator('#sg-token').waitFor();
  assert.equal(await page.locator('#f-pin').count(), 0); // no PIN for a key that is not here
  await assertAccessible(page, 'the certificate page with a token certificate');
  assertNoErrors(page);
});
