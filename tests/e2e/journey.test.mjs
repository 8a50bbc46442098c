// journey.test.mjs - the whole journey of issue 4, start to finish, in the
// browser and nowhere else: a citizen signs up, finds "xac nhan tinh trang
// hon nhan" typed without diacritics, applies online with an attachment and
// gets a code; the ward clerk receives it and prints form 01; the
// specialist and the chairman take it through their steps; the clerk
// returns it; the citizen tracks it by code and sees it returned on time;
// the statistics page counts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launchBrowser, newPage, login, assertNoErrors, samplePdf, DEMO, waitForPath } from './lib/harness.mjs';

const PROC = 'Cấp Giấy xác nhận tình trạng hôn nhân';
const DIVORCE = 'Giấy tờ chứng minh đã ly hôn / vợ chồng đã chết (nếu có)';
const ID = '079195012399'; // a woman born in 1995 (digit 4 = 1, digits 5-6 = 95)

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('a dossier from sign-up to its result, in the browser', async () => {
  // ---- the citizen: sign up, search, apply ----
  const citizen = await newPage(browser, srv);
  await citizen.goto('/');
  await citizen.getByRole('link', { name: 'Đăng ký', exact: true }).click();
  await citizen.getByLabel('Số định danh cá nhân (CCCD) *').fill(ID);
  await citizen.getByLabel('Họ, chữ đệm và tên *').fill('Lê Thị Thu');
  await citizen.getByLabel('Nữ').check();
  await citizen.getByLabel('Số điện thoại *').fill('0912345678');
  await citizen.getByLabel('Số nhà, đường').fill('45 Nguyễn Huệ');
  await citizen.getByRole('combobox', { name: /^Phường, xã nơi cư trú/ }).fill('sai gon');
  await citizen.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await citizen.getByLabel('Thư điện tử').fill('thu.le@example.vn');
  await citizen.getByLabel('Mật khẩu *', { exact: true }).fill('hoso-cua-thu');
  await citizen.getByLabel('Nhập lại mật khẩu *').fill('hoso-cua-thu');
  await citizen.getByRole('button', { name: 'Đăng ký' }).click();
  await waitForPath(citizen, '/ho-so-cua-toi');

  await citizen.getByRole('link', { name: 'Cổng dịch vụ công motcua' }).click();
  await citizen.getByLabel('Tìm thủ tục hành chính').fill('xac nhan tinh trang hon nhan');
  await citizen.locator('#results li a', { hasText: PROC }).click();
  await citizen.getByRole('heading', { level: 1, name: PROC }).waitFor();
  await citizen.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
  await citizen.getByRole('heading', { level: 2, name: PROC }).waitFor();

  await citizen.getByRole('textbox', { name: 'Họ, chữ đệm và tên', exact: true }).fill('Lê Thị Thu');
  await citizen.getByRole('textbox', { name: 'Số định danh cá nhân', exact: true }).fill(ID);
  await citizen.getByRole('textbox', { name: 'Ngày sinh', exact: true }).fill('02/09/1995');
  await citizen.getByRole('combobox', { name: 'Nơi cư trú (xã/phường)' }).fill('sai gon');
  await citizen.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await citizen.getByRole('radiogroup', { name: 'Tình trạng hôn nhân hiện tại' }).getByLabel('Đã ly hôn').check();
  await citizen.getByRole('textbox', { name: 'Mục đích sử dụng', exact: true }).fill('Đăng ký kết hôn');
  await citizen.getByLabel(DIVORCE).and(citizen.locator('input[type="file"]'))
    .setInputFiles({ name: 'quyet-dinh-ly-hon.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
  await citizen.waitForFunction(() => document.getElementById('f-divorce_scan-status')?.classList.contains('done'));
  await citizen.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await citizen.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await citizen.getByRole('heading', { level: 1, name: 'Đã nộp hồ sơ' }).waitFor();
  const code = (await citizen.locator('#dossier-code').textContent()).trim();
  const secret = (await citizen.locator('#dossier-secret').textContent()).trim();
  assert.match(code, /^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$/);

  // ---- the ward clerk: receive it, print form 01 ----
  const clerk = await newPage(browser, srv);
  await login(clerk, DEMO.wardClerk);
  await clerk.locator('#queue-table tbody tr', { hasText: code }).getByRole('link', { name: code }).click();
  await clerk.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  assert.ok((await clerk.locator('#attachments').textContent()).includes('quyet-dinh-ly-hon.pdf') ||
    (await clerk.locator('#attachments a').count()) === 1, 'the attachment reached the clerk');
  await clerk.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
  await clerk.getByRole('button', { name: 'Xác nhận tiếp nhận', exact: true }).click();
  await clerk.locator('#done').waitFor();
  assert.equal(await clerk.locator('#status').textContent(), 'Đang giải quyết');
  const receipt = await clerk.request.get(await clerk.locator('#form-01').getAttribute('href'));
  assert.equal(receipt.status(), 200);
  const pdf = await receipt.body();
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString();
  assert.ok(text.includes(code) && text.includes('Lê Thị Thu'), 'form 01 names the dossier and the applicant');

  // ---- the specialist and the chairman ----
  const spec = await newPage(browser, srv);
  await login(spec, DEMO.wardSpecialist);
  await spec.locator('#queue-table tbody tr', { hasText: code }).getByRole('link', { name: code }).click();
  await spec.getByRole('button', { name: 'Chuyển bước tiếp theo', exact: true }).click();
  await spec.getByLabel('Ghi chú').fill('Đủ điều kiện cấp giấy xác nhận');
  await spec.getByRole('button', { name: 'Xác nhận chuyển', exact: true }).click();
  await spec.locator('#done').waitFor();

  const chair = await newPage(browser, srv);
  await login(chair, DEMO.wardLeader);
  await chair.goto('/can-bo?queue=process');
  await chair.locator('#queue-table tbody tr', { hasText: code }).getByRole('link', { name: code }).click();
  await chair.getByRole('button', { name: 'Phê duyệt', exact: true }).click();
  await chair.getByRole('button', { name: 'Xác nhận phê duyệt', exact: true }).click();
  await chair.locator('#done').waitFor();
  assert.equal(await chair.locator('#status').textContent(), 'Đã có kết quả');

  // ---- the clerk returns the result ----
  await clerk.goto('/can-bo');
  await clerk.getByRole('link', { name: /^Chờ trả kết quả [1-9]\d* hồ sơ$/ }).click();
  await clerk.locator('#queue-table tbody tr', { hasText: code }).getByRole('link', { name: code }).click();
  await clerk.getByRole('button', { name: 'Trả kết quả', exact: true }).click();
  await clerk.getByRole('button', { name: 'Xác nhận đã trả kết quả', exact: true }).click();
  await clerk.locator('#done').waitFor();
  assert.equal(await clerk.locator('#status').textContent(), 'Đã trả kết quả');

  // ---- anyone with the code and the secret: returned, on time ----
  const anon = await newPage(browser, srv);
  await anon.goto('/');
  await anon.getByLabel('Mã hồ sơ').fill(code);
  await anon.getByLabel('Mã tra cứu (in trên giấy tiếp nhận)').fill(secret);
  await anon.getByRole('button', { name: 'Tra cứu' }).click();
  await anon.getByRole('heading', { level: 1, name: code }).waitFor();
  assert.equal(await anon.locator('#status').textContent(), 'Đã trả kết quả');
  assert.match(await anon.locator('#result').textContent(), /^(Trước hạn|Đúng hạn)$/);
  const page = await anon.locator('main').textContent();
  assert.ok(!page.includes('Lê Thị Thu') && !page.includes(ID), 'no personal data on the tracking page');

  // the citizen's own list says the same
  await citizen.goto('/ho-so-cua-toi');
  const row = citizen.locator('tr', { hasText: code });
  await row.waitFor();
  assert.match(await row.textContent(), /Đã trả kết quả/);

  // ---- the statistics page counts it ----
  await chair.getByRole('link', { name: 'Thống kê' }).click();
  await chair.locator('#sx-kpis').waitFor();
  assert.equal(await chair.locator('[data-kpi="received"] .v').textContent(), '1');
  assert.equal(await chair.locator('[data-kpi="resolved"] .v').textContent(), '1');
  assert.equal(await chair.locator('[data-kpi="late"] .v').textContent(), '0');
  assert.equal(await chair.locator('[data-kpi="rate"] .v').textContent(), '100 %');

  for (const p of [citizen, clerk, spec, chair, anon]) assertNoErrors(p, [/404/]);
});
