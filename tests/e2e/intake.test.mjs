// intake.test.mjs - counter intake when things go wrong: the clerk's click
// reaches the server, which takes the dossier in, but the answer is lost
// (clicking again must not take the same dossier in a second time: the
// retry carries the same Idempotency-Key and gets the first answer); the
// clerk looks up one ID number, then another (nothing of the first person
// may stay, in the applicant's details or in the procedure's form).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertNoErrors, DEMO } from './lib/harness.mjs';
import { Client } from './lib/api.mjs';
import { randomUUID } from 'node:crypto';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// The dossiers taken in at the ward's counters (the clerk's "all" queue).
async function counterDossiers(clerk) {
  const r = await clerk.call('GET', '/api/v1/queues/all?limit=100');
  assert.equal(r.status, 200);
  return r.body.items.filter((d) => d.channel === 'counter').map((d) => d.code);
}

test('a retry after a lost answer takes the dossier in once', async () => {
  const clerk = await Client.login(srv.base, DEMO.wardClerk);
  const before = await counterDossiers(clerk);

  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto('/can-bo/tiep-nhan');
  await page.getByRole('heading', { level: 1, name: 'Tiếp nhận hồ sơ tại quầy' }).waitFor();
  await page.getByLabel('Số định danh cá nhân *').fill(DEMO.citizen);
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByText('Đã tìm thấy: Nguyễn Văn An').waitFor();
  await page.getByLabel('Tìm thủ tục *').fill('xac nhan tinh trang hon nhan');
  await page.getByRole('button', { name: 'Cấp Giấy xác nhận tình trạng hôn nhân' }).click();
  await page.getByRole('group', { name: 'Giấy tờ đã nhận' }).waitFor();
  await page.getByLabel(/^Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu/).check();
  await page.getByLabel(/^Hộ chiếu\/thẻ Căn cước/).check();
  const procForm = page.locator('.proc-form');
  const birth = procForm.getByLabel('Ngày sinh *');
  await birth.fill((await birth.getAttribute('type')) === 'date' ? '2003-05-14' : '14/05/2003');
  await procForm.getByLabel('Tình trạng hôn nhân hiện tại *').selectOption({ label: 'Chưa đăng ký kết hôn' });
  await procForm.getByLabel('Mục đích sử dụng *').fill('Đăng ký kết hôn');

  // the first request reaches the server; its answer never reaches the page
  const keys = [];
  let first = null;
  await page.route('**/api/v1/counters/*/dossiers', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    const res = await route.fetch();
    if (!first) {
      first = await res.json();
      await route.abort('connectionreset');
      return;
    }
    await route.fulfill({ response: res });
  });
  await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await page.getByRole('alert').filter({ hasText: 'Không kết nối được máy chủ' }).waitFor();
  assert.match(first.code, /^000\.01\.31\.H29-\d{6}-\d{4}$/, 'the server took the first request in');

  // the clerk clicks again: the same request, the same key, the first answer
  await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đã tiếp nhận hồ sơ' }).waitFor();
  assert.equal(keys.length, 2);
  assert.equal(keys[1], keys[0], 'the retry carries the first Idempotency-Key');
  assert.equal((await page.locator('#new-code').textContent()).trim(), first.code);
  const added = (await counterDossiers(clerk)).filter((c) => !before.includes(c));
  assert.deepEqual(added, [first.code], 'one dossier taken in, not two');
  assertNoErrors(page, [/ERR_CONNECTION_RESET|net::ERR_FAILED/]);
});

// Fill in what the procedure's form needs besides the applicant.
async function openProcedure(page) {
  await page.getByLabel('Tìm thủ tục *').fill('xac nhan tinh trang hon nhan');
  await page.getByRole('button', { name: 'Cấp Giấy xác nhận tình trạng hôn nhân' }).click();
  await page.getByRole('group', { name: 'Giấy tờ đã nhận' }).waitFor();
  return page.locator('.proc-form');
}

test('a second lookup leaves nothing of the first person, in the applicant or in the form', async () => {
  // a second citizen with an account, and an ID number without one
  const other = { id_number: '079095123456', full_name: 'Lê Văn Cường', birth_date: '1995-01-02', sex: 'M', phone: '0912345678', ward_code: '26743', password: 'khongbiet123' };
  const su = await fetch(`${srv.base}/api/v1/auth/signup`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() }, body: JSON.stringify(other),
  });
  assert.equal(su.status, 201);
  const nobody = '079203009999';

  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto('/can-bo/tiep-nhan');
  const applicant = page.getByRole('group', { name: 'Người nộp hồ sơ' });
  const id = applicant.getByLabel('Số định danh cá nhân *');
  const name = applicant.getByLabel('Họ, chữ đệm và tên *');
  const phone = applicant.getByLabel('Số điện thoại');
  const address = applicant.getByLabel('Số nhà, đường');
  const ward = applicant.getByLabel('Phường, xã nơi cư trú');
  // the procedure first, then the applicant: the form is filled from the lookup
  const procForm = await openProcedure(page);
  const formName = procForm.getByLabel('Họ, chữ đệm và tên *');
  const formId = procForm.getByLabel('Số định danh cá nhân *');
  const formWard = procForm.getByLabel('Nơi cư trú (xã/phường) *');
  await id.fill(DEMO.citizen);
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByText('Đã tìm thấy: Nguyễn Văn An').waitFor();
  assert.equal(await formName.inputValue(), 'Nguyễn Văn An');
  assert.equal(await formId.inputValue(), DEMO.citizen);
  assert.equal(await formWard.inputValue(), '26740');
  await procForm.getByLabel('Mục đích sử dụng *').fill('Đăng ký kết hôn'); // typed by the clerk: kept

  // the clerk corrects the ID: the other person, in both places
  await id.fill(other.id_number);
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByText('Đã tìm thấy: Lê Văn Cường').waitFor();
  assert.equal(await name.inputValue(), 'Lê Văn Cường');
  assert.equal(await phone.inputValue(), other.phone);
  assert.equal(await address.inputValue(), '');
  assert.equal(await ward.inputValue(), '26743');
  assert.equal(await formName.inputValue(), 'Lê Văn Cường');
  assert.equal(await formId.inputValue(), other.id_number);
  assert.equal(await formWard.inputValue(), '26743');
  assert.equal(await procForm.getByLabel('Mục đích sử dụng *').inputValue(), 'Đăng ký kết hôn');

  // an ID number without an account: nothing of Lê Văn Cường is left to send
  await id.fill(nobody);
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByText('Không có tài khoản công dân với số này').waitFor();
  assert.equal(await name.inputValue(), '');
  assert.equal(await phone.inputValue(), '');
  assert.equal(await ward.inputValue(), '');
  assert.equal(await formName.inputValue(), '');
  assert.equal(await formId.inputValue(), nobody);
  assert.equal(await formWard.inputValue(), '');
  assert.equal(await procForm.getByLabel('Mục đích sử dụng *').inputValue(), 'Đăng ký kết hôn');
  assertNoErrors(page, [/404/]);
});

test('a walk-in dossier without all its papers: form 02 at the counter, received when the papers come back', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto('/can-bo/tiep-nhan');
  await page.getByLabel('Số định danh cá nhân *').fill(DEMO.citizen);
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByText('Đã tìm thấy: Nguyễn Văn An').waitFor();
  const procForm = await openProcedure(page);
  const birth = procForm.getByLabel('Ngày sinh *');
  await birth.fill((await birth.getAttribute('type')) === 'date' ? '2003-05-14' : '14/05/2003');
  await procForm.getByLabel('Tình trạng hôn nhân hiện tại *').selectOption({ label: 'Chưa đăng ký kết hôn' });
  await procForm.getByLabel('Mục đích sử dụng *').fill('Đăng ký kết hôn');
  // the declaration only, no ID paper: not a receipt...
  await page.getByLabel(/^Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu/).check();
  await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await page.getByText(/Chưa nhận giấy tờ bắt buộc: Hộ chiếu/).first().waitFor();
  // ...but a request for papers, listing the ID paper and what the clerk adds
  await page.getByText('Hồ sơ chưa đủ giấy tờ? Lập phiếu yêu cầu bổ sung (mẫu 02)').click();
  await page.getByLabel('Nội dung cần bổ sung khác').fill('Bản sao giấy khai sinh');
  await page.getByRole('button', { name: 'Lập phiếu yêu cầu bổ sung' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đã lập phiếu yêu cầu bổ sung' }).waitFor();
  const items = await page.locator('#notice-items li').allTextContents();
  assert.equal(items.length, 2);
  assert.match(items[0], /^Hộ chiếu\/thẻ Căn cước/);
  assert.equal(items[1], 'Bản sao giấy khai sinh');
  const code = (await page.locator('#new-code').textContent()).trim();
  assert.match(await page.locator('#link-02').getAttribute('href'), /\/forms\/02\.pdf/);
  const pdf = await page.request.get(await page.locator('#link-02').getAttribute('href'));
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');

  // the applicant comes back with the ID: the clerk ticks it, the dossier is received
  await page.goto(`/can-bo/ho-so/${encodeURIComponent(code)}`);
  await page.getByRole('button', { name: 'Nhận giấy tờ bổ sung', exact: true }).click();
  const checklist = page.getByRole('group', { name: 'Giấy tờ đã nhận (cả giấy tờ vừa bổ sung)' });
  assert.equal(await checklist.getByLabel(/^Tờ khai cấp Giấy xác nhận/).isChecked(), true);
  await checklist.getByLabel(/^Hộ chiếu\/thẻ Căn cước/).check();
  await page.getByRole('button', { name: 'Xác nhận đã nhận đủ', exact: true }).click();
  await page.locator('#form-01').waitFor();
  const clerk = await Client.login(srv.base, DEMO.wardClerk);
  const d = await clerk.call('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(d.body.status, 'in_progress');
  assert.equal(d.body.papers.length, 2);
  assert.equal(d.body.supplements.length, 1);
  assertNoErrors(page);
});
