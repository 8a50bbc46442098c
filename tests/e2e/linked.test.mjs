// linked.test.mjs - a linked application under Decree 63/2024 in the browser,
// on a 360 px phone: the citizen applies online for 3.000722 ticking its
// parts (the birth required, residence and the health-insurance card
// chosen) with one form; the officials of the ward, the ward police and the
// ward social insurance process their parts (through the API, as their own
// tests do in the browser); the citizen's dossier page shows each part's
// result as it comes and the application done when all are; the police's
// dossier page says which application its dossier is part of; the leader's
// hand-overs page; public tracking shows each part.  Then the death group:
// a relative chooses two of its three later parts, the police refuse theirs
// (the citizen sees it), the funeral allowance goes on and the application
// ends partly refused.  axe-core on each page; nothing wider than the phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, samplePdf, PASSWORD, PHONE, waitForPath } from './lib/harness.mjs';

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

async function token(user) {
  const r = await fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: PASSWORD, token: true }),
  });
  assert.equal(r.status, 200, `login ${user}`);
  return (await r.json()).token;
}
async function call(tok, method, path, body, headers = {}) {
  const r = await fetch(`${srv.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${tok}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, etag: r.headers.get('ETag'), body: await r.json().catch(() => null) };
}
async function act(user, code, action, body) {
  const tok = await token(user);
  const d = await call(tok, 'GET', `/api/v1/dossiers/${code}`);
  assert.equal(d.status, 200, `${user} reads ${code}`);
  const r = await call(tok, 'POST', `/api/v1/dossiers/${code}/actions/${action}`, body, { 'If-Match': d.etag });
  assert.equal(r.status, 200, `${action} by ${user}: ${JSON.stringify(r.body)}`);
}
async function processPart(clerk, spec, lead, sub, result) {
  await act(clerk, sub, 'receive');
  await act(spec, sub, 'forward');
  await act(lead, sub, 'forward', result);
}
async function partsOf(code) {
  const r = await call(await token('tiepnhan.p26740'), 'GET', `/api/v1/linked/${code}`);
  assert.equal(r.status, 200);
  return Object.fromEntries(r.body.linked.parts.map((p) => [p.part, p]));
}

test('a citizen applies for birth, residence and the health-insurance card at once; each part arrives', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, '079203001234');
  await page.goto('/nop-ho-so/3.000722');

  // the parts: the birth required and ticked for good, the others chosen
  const parts = page.getByRole('group', { name: 'Chọn các thủ tục liên thông' });
  await parts.waitFor();
  const birth = parts.getByLabel(/Đăng ký khai sinh/);
  assert.ok(await birth.isChecked());
  assert.ok(await birth.isDisabled());
  const insurance = parts.getByLabel(/Cấp thẻ bảo hiểm y tế/);
  await insurance.uncheck();
  await insurance.check();
  assert.ok(await parts.getByLabel(/Đăng ký thường trú/).isChecked());
  await assertAccessible(page, 'the linked application form');
  await narrow(page);

  // one form for every part
  await page.getByLabel(/Họ, chữ đệm và tên của trẻ/).fill('Nguyễn Bảo Ngọc');
  await page.getByLabel(/^Ngày sinh/).fill('20/11/2026');
  await page.getByRole('radiogroup', { name: /Giới tính/ }).getByLabel('Nữ').check();
  const place = page.getByRole('combobox', { name: /Nơi sinh/ });
  await place.fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await page.getByLabel(/Số định danh cá nhân của mẹ/).fill('079303001235');
  const residence = page.getByRole('combobox', { name: /Nơi đăng ký thường trú của trẻ/ });
  await residence.fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await page.getByLabel(/Nơi đăng ký khám chữa bệnh ban đầu/).fill('Bệnh viện Nhi Đồng 1');
  await page.getByLabel(/Bản chụp Giấy chứng sinh/).and(page.locator('input[type="file"]'))
    .setInputFiles({ name: 'giay-chung-sinh.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
  await page.waitForFunction(() => document.getElementById('f-birth_certificate_scan-status')?.classList.contains('done'));
  await page.locator('#to-review').click();
  const rv = page.locator('#review');
  await rv.waitFor();
  const text = await rv.textContent();
  for (const s of ['Đăng ký khai sinh', 'Đăng ký thường trú', 'Cấp thẻ bảo hiểm y tế', 'Nguyễn Bảo Ngọc']) assert.ok(text.includes(s), `review shows ${s}`);
  await assertAccessible(page, 'the review of the linked application');
  await page.locator('#submit').click();
  await page.waitForURL(/\/ho-so-cua-toi\//);
  const code = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());

  // received at the ward: the birth starts there, the others wait for it
  await act('tiepnhan.p26740', code, 'receive');
  let p = await partsOf(code);
  assert.equal(p.birth.state, 'started');
  assert.equal(p.residence.state, 'waiting');
  await page.goto(`/ho-so-cua-toi/${code}`);
  await page.locator('#lp-birth[data-state="started"]').waitFor();
  await page.locator('#lp-residence[data-state="waiting"]').waitFor();
  await assertAccessible(page, 'the application with its parts');
  await narrow(page);

  // the birth registered: its result reaches the citizen, the police and
  // the social insurance get the data
  await processPart('tiepnhan.p26740', 'chuyenvien.p26740', 'chutich.p26740', p.birth.dossier,
    { result_data: { birth_registration_number: '15/2027', child_id_number: '079327000123' } });
  await page.reload();
  await page.locator('#lp-birth[data-state="done"]').waitFor();
  await page.locator('#lp-residence[data-state="started"]').waitFor();
  await page.locator('#lp-insurance[data-state="started"]').waitFor();
  p = await partsOf(code);

  // the police's view of its dossier: part of the application, data handed over
  const police = await newPage(browser, srv, PHONE);
  await login(police, 'clerk.ca.p26740');
  await police.goto(`/can-bo/ho-so/${p.residence.dossier}`);
  await police.locator('#linked-of').getByText(code).waitFor();
  await assertAccessible(police, "the police's sub-dossier");
  await narrow(police);
  await police.goto('/can-bo');
  await police.getByText(`Liên thông: một phần của hồ sơ ${code}`).first().waitFor();
  assertNoErrors(police);

  await processPart('clerk.ca.p26740', 'specialist.ca.p26740', 'leader.ca.p26740', p.residence.dossier);
  await page.reload();
  await page.locator('#lp-residence[data-state="done"]').waitFor();
  await page.locator('#lp-insurance[data-state="started"]').waitFor();
  await processPart('tiepnhan.bhxh26740', 'chuyenvien.bhxh26740', 'giamdoc.bhxh26740', p.insurance.dossier);
  await page.reload();
  await page.locator('#lp-insurance[data-state="done"]').waitFor();
  await page.locator('#status').getByText(/Có kết quả|Đã có kết quả/).waitFor();
  await assertAccessible(page, 'the application done');
  await narrow(page);
  assertNoErrors(page);

  // public tracking by the one code: each part's progress, no personal data
  const mine = await call(await token('079203001234'), 'GET', `/api/v1/dossiers/${code}`);
  const anon = await newPage(browser, srv, PHONE);
  await anon.goto(`/tra-cuu?ma=${encodeURIComponent(code)}&s=${encodeURIComponent(mine.body.secret)}`);
  await anon.locator('#lp-insurance[data-state="done"]').waitFor();
  assert.ok(!(await anon.locator('body').textContent()).includes('Nguyễn Bảo Ngọc'), 'no personal data in public tracking');
  await assertAccessible(anon, 'public tracking of a linked application');
  await narrow(anon);
  assertNoErrors(anon);

  // the leader's hand-overs: none late, every one listed on asking
  const lead = await newPage(browser, srv, PHONE);
  await login(lead, 'chutich.p26740');
  await lead.goto('/can-bo/ho-so-lien-thong');
  await lead.locator('#ho-none').waitFor();
  await lead.locator('#ho-switch').click();
  await waitForPath(lead, '/can-bo/ho-so-lien-thong');
  await lead.locator(`#handovers tr[data-sub="${p.insurance.dossier}"]`).waitFor();
  await assertAccessible(lead, 'the hand-overs page');
  await narrow(lead);
  // the leader's dashboard counts the late ones (none) and opens that page
  await lead.goto('/dieu-hanh');
  const lateKpi = lead.locator('[data-kpi="linked_late"] .v');
  await lateKpi.waitFor();
  assert.equal(await lateKpi.textContent(), '0');
  await lateKpi.click();
  await waitForPath(lead, '/can-bo/ho-so-lien-thong');
  assertNoErrors(lead);
});

test('a relative applies for the death group; the police refuse their part, the others go on', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, '079203001234');
  await page.goto('/nop-ho-so/2.002913');

  // the death required; the removal of residence and the funeral allowance
  // chosen, the social-protection support left out
  const parts = page.getByRole('group', { name: 'Chọn các thủ tục liên thông' });
  await parts.waitFor();
  const death = parts.getByLabel(/Đăng ký khai tử/);
  assert.ok(await death.isChecked());
  assert.ok(await death.isDisabled());
  const support = parts.getByLabel(/Hỗ trợ chi phí mai táng/);
  if (await support.isChecked()) await support.uncheck();
  for (const re of [/Xóa đăng ký thường trú/, /Trợ cấp mai táng/]) {
    const box = parts.getByLabel(re);
    if (!(await box.isChecked())) await box.check();
  }
  await assertAccessible(page, 'the death group form');
  await narrow(page);

  await page.getByLabel(/Họ, chữ đệm và tên người đã chết/).fill('Trần Văn Dũng');
  await page.getByLabel(/Số định danh cá nhân của người đã chết/).fill('079150001122');
  await page.getByLabel(/^Ngày chết/).fill('02/12/2026');
  await page.getByLabel(/^Nơi chết/).fill('Bệnh viện Chợ Rẫy');
  const unit = page.getByRole('combobox', { name: /Nơi thường trú của người đã chết/ });
  await unit.fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await page.getByLabel(/Quan hệ của người đi đăng ký/).fill('Con');
  await page.getByLabel(/Giấy báo tử/).and(page.locator('input[type="file"]'))
    .setInputFiles({ name: 'giay-bao-tu.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
  await page.waitForFunction(() => document.getElementById('f-death_notice_scan-status')?.classList.contains('done'));
  await page.locator('#to-review').click();
  const rv = page.locator('#review');
  await rv.waitFor();
  const text = await rv.textContent();
  for (const s of ['Đăng ký khai tử', 'Xóa đăng ký thường trú', 'Trợ cấp mai táng', 'Trần Văn Dũng']) assert.ok(text.includes(s), `review shows ${s}`);
  assert.ok(!text.includes('Hỗ trợ chi phí mai táng'), 'a part not chosen is not applied for');
  await page.locator('#submit').click();
  await page.waitForURL(/\/ho-so-cua-toi\//);
  const code = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());

  await act('tiepnhan.p26740', code, 'receive');
  let p = await partsOf(code);
  assert.equal(p.death.state, 'started');
  assert.equal(p.funeral_support, undefined, 'the part not chosen is absent');
  await processPart('tiepnhan.p26740', 'chuyenvien.p26740', 'chutich.p26740', p.death.dossier,
    { result_data: { death_registration_number: '7/2026' } });
  p = await partsOf(code);
  assert.equal(p.residence_removal.state, 'started');
  assert.equal(p.funeral.state, 'started');

  // the police refuse the removal: the citizen sees why; the allowance goes on
  await act('clerk.ca.p26740', p.residence_removal.dossier, 'receive');
  await act('specialist.ca.p26740', p.residence_removal.dossier, 'refuse',
    { reasons: ['Người đã chết không có đăng ký thường trú tại phường'] });
  await page.goto(`/ho-so-cua-toi/${code}`);
  await page.locator('#lp-residence_removal[data-state="refused"]').waitFor();
  await page.locator('#lp-funeral[data-state="started"]').waitFor();
  await assertAccessible(page, 'the application with a part refused');
  await narrow(page);

  await processPart('tiepnhan.bhxh26740', 'chuyenvien.bhxh26740', 'giamdoc.bhxh26740', p.funeral.dossier);
  await page.reload();
  await page.locator('#lp-funeral[data-state="done"]').waitFor();
  await page.locator('#linked-partly').waitFor();
  await page.locator('#status').getByText(/Có kết quả|Đã có kết quả/).waitFor();
  await assertAccessible(page, 'the application done, partly refused');
  await narrow(page);
  assertNoErrors(page);
});
