// office.test.mjs - the officials' workspace in a real browser: the work
// queues with their counts, receiving an online dossier (status on the page
// and in the API, the timeline naming the receiver and the viewer), counter
// intake with the applicant looked up by ID number and form 01 printed at
// once, a refusal and a request for supplement with their forms, the
// specialist / leader / clerk steps to the return, a stale page (412),
// accessibility (axe-core) and a phone-sized screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, pageWeight, samplePdf, DEMO, PHONE } from './lib/harness.mjs';
import { Client, maritalForm } from './lib/api.mjs';

let srv, browser, citizen, form;
const names = {};

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  citizen = await Client.login(srv.base, DEMO.citizen);
  form = await maritalForm(citizen);
  for (const u of [DEMO.wardClerk, DEMO.wardSpecialist, DEMO.wardLeader]) {
    names[u] = (await (await Client.login(srv.base, u)).get('/api/v1/me')).full_name;
  }
});
after(async () => { await browser?.close(); await srv?.stop(); });

// A dossier submitted online by the demo citizen (routed to Phường Sài Gòn).
async function submitted() {
  const d = await citizen.ok('POST', '/api/v1/dossiers', { procedure_code: '1.004873', form });
  assert.equal(d.status, 'submitted');
  return d.code;
}

const official = async (user) => Client.login(srv.base, user);

const dossierUrl = (code) => `/can-bo/ho-so/${encodeURIComponent(code)}`;

// The 4xx answers the pages show on purpose (a stale ETag) are not errors.
const EXPECTED = [/^Failed to load resource/];

async function openAction(page, name, confirm) {
  await page.getByRole('button', { name, exact: true }).click();
  const button = page.getByRole('button', { name: confirm, exact: true });
  await button.waitFor();
  return button;
}

test('ward clerk: queue counts, receive from the queue, timeline names receiver and viewer', async () => {
  const code = await submitted();
  const clerkApi = await official(DEMO.wardClerk);
  const counts = await clerkApi.get('/api/v1/queues');
  assert.ok(counts.receive >= 1);

  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto('/can-bo');
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ cần xử lý' }).waitFor();
  // the clerk starts on "to receive"; each tab shows the API's count
  const tab = page.getByRole('link', { name: `Chờ tiếp nhận ${counts.receive} hồ sơ` });
  await tab.waitFor();
  assert.equal(await tab.getAttribute('aria-current'), 'page');
  assert.equal(await page.locator('#tab-receive .count').textContent(), String(counts.receive));
  assert.equal(await page.locator('#tab-process .count').textContent(), String(counts.process));
  const row = page.locator('#queue-table tbody tr', { hasText: code });
  await row.waitFor();
  assert.match(await row.textContent(), /Cấp Giấy xác nhận tình trạng hôn nhân/);
  assert.match(await row.textContent(), /Nguyễn Văn An/);
  assert.match(await row.textContent(), /Đã nộp, chờ tiếp nhận/);
  await assertAccessible(page, 'queues');

  // the code search keeps its value in the address, and a wrong one is explained
  await page.getByLabel('Mã hồ sơ').fill(code.slice(-11));
  await page.getByRole('button', { name: 'Lọc' }).click();
  await page.waitForURL((u) => u.searchParams.get('q') === code.slice(-11) && u.searchParams.get('queue') === 'receive');
  await row.waitFor();
  assert.equal(await page.locator('#queue-table tbody tr').count(), 1);
  await page.reload();
  assert.equal(await page.getByLabel('Mã hồ sơ').inputValue(), code.slice(-11));
  await row.waitFor();
  await page.getByLabel('Mã hồ sơ').fill('50%');
  await page.getByRole('button', { name: 'Lọc' }).click();
  await page.locator('#flt-q-err').waitFor();
  assert.match(await page.locator('#flt-q-err').textContent(), /một phần mã hồ sơ/);
  await page.goBack();
  await row.waitFor();

  // the code opens the dossier page (keyboard: the link is a real link)
  await row.getByRole('link', { name: code }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  assert.equal(await page.locator('#status').textContent(), 'Đã nộp, chờ tiếp nhận');
  await assertAccessible(page, 'dossier page (submitted)');
  const confirm = await openAction(page, 'Tiếp nhận', 'Xác nhận tiếp nhận');
  await assertAccessible(page, 'dossier page with the receive form open');
  await page.getByLabel('Ghi chú').fill('Hồ sơ đầy đủ');
  await confirm.click();
  await page.locator('#done').waitFor();
  assert.equal(await page.locator('#status').textContent(), 'Đang giải quyết');
  assert.match(await page.locator('#done').textContent(), /Đã tiếp nhận hồ sơ/);

  const d = await clerkApi.get(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(d.status, 'in_progress');
  assert.equal(d.current_role, 'specialist');
  assert.equal(d.received_by.full_name, names[DEMO.wardClerk]);
  // the timeline: who received it, who viewed it, who has not acted yet
  assert.match(await page.locator('#tl-received-by').textContent(), new RegExp(names[DEMO.wardClerk]));
  assert.match(await page.locator('#tl-viewed-by').textContent(), new RegExp(names[DEMO.wardClerk]));
  assert.match(await page.locator('#tl-pending').textContent(), new RegExp(`${names[DEMO.wardSpecialist]}\\s*chưa xem`));
  const events = page.locator('#events li');
  assert.match(await events.filter({ hasText: 'Nộp hồ sơ trực tuyến' }).textContent(), /Nguyễn Văn An/);
  assert.match(await events.filter({ hasText: 'Xem hồ sơ' }).first().textContent(), new RegExp(names[DEMO.wardClerk]));
  assert.match(await events.filter({ hasText: 'Tiếp nhận hồ sơ' }).textContent(), new RegExp(`${names[DEMO.wardClerk]}[\\s\\S]*UBND Phường Sài Gòn`));
  // form 01 is now printable from the page
  const href = await page.locator('#form-01').getAttribute('href');
  const pdf = await page.request.get(href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

  // back in the queue, the count went down
  await page.getByRole('link', { name: 'Trở về danh sách hồ sơ' }).click();
  await page.getByRole('link', { name: `Chờ tiếp nhận ${counts.receive - 1} hồ sơ` }).waitFor();

  // received from / to a day typed dd/mm/yyyy (the last day included); the
  // address keeps yyyy-mm-dd, a reload shows the day the Vietnamese way
  const recv = d.received_at.slice(0, 10);
  const recvVn = `${recv.slice(8, 10)}/${recv.slice(5, 7)}/${recv.slice(0, 4)}`;
  await page.getByRole('link', { name: 'Tất cả', exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('queue') === 'all');
  await page.getByLabel('Tiếp nhận từ ngày').fill(recvVn);
  await page.getByLabel('Đến ngày').fill(recvVn);
  await page.getByRole('button', { name: 'Lọc' }).click();
  await page.waitForURL((u) => u.searchParams.get('from') === recv && u.searchParams.get('to') === recv);
  const inAll = page.locator('#queue-table tbody tr', { hasText: code });
  await inAll.waitFor();
  await page.reload();
  await inAll.waitFor();
  assert.equal(await page.getByLabel('Tiếp nhận từ ngày').inputValue(), recvVn);
  assert.equal(await page.getByLabel('Đến ngày').inputValue(), recvVn);
  // a day that does not exist: refused next to the field, nothing else lost
  const filtered = page.url();
  await page.getByLabel('Đến ngày').fill('31/02/2027');
  await page.getByRole('button', { name: 'Lọc' }).click();
  await page.locator('#flt-to-err').waitFor();
  assert.match(await page.locator('#flt-to-err').textContent(), /Ngày không hợp lệ/);
  assert.equal(await page.getByLabel('Đến ngày').getAttribute('aria-invalid'), 'true');
  assert.equal(page.url(), filtered);
  assert.equal(await page.getByLabel('Đến ngày').inputValue(), '31/02/2027');
  assert.equal(await page.getByLabel('Tiếp nhận từ ngày').inputValue(), recvVn);
  await inAll.waitFor();
  assertNoErrors(page, [/422/]);
});

test('counter intake: applicant looked up by ID, procedure typed without diacritics, papers, form, code and form 01', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.getByRole('link', { name: 'Tiếp nhận tại quầy' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tiếp nhận hồ sơ tại quầy' }).waitFor();
  // the clerk's own counter is chosen
  assert.match(await page.getByLabel('Quầy tiếp nhận *').locator('option:checked').textContent(), /Q-P26740-01/);

  // a wrong ID is explained next to the field, then the lookup fills the applicant
  await page.getByLabel('Số định danh cá nhân *').fill('07920300123');
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  assert.equal(await page.getByLabel('Số định danh cá nhân *').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Số định danh cá nhân *').fill(DEMO.citizen);
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByText('Đã tìm thấy: Nguyễn Văn An').waitFor();
  assert.equal(await page.getByLabel('Họ, chữ đệm và tên *', { exact: true }).first().inputValue(), 'Nguyễn Văn An');
  assert.equal(await page.getByLabel('Số nhà, đường').inputValue(), '12 Lê Lợi');
  assert.equal(await page.getByLabel('Phường, xã nơi cư trú').inputValue(), '26740');
  assert.equal(await page.locator('#in-ward-name').textContent(), 'Phường Sài Gòn');

  await page.getByLabel('Tìm thủ tục *').fill('xac nhan tinh trang hon nhan');
  await page.getByRole('button', { name: 'Cấp Giấy xác nhận tình trạng hôn nhân' }).click();
  await page.locator('#in-proc-chosen').waitFor();
  await page.getByRole('group', { name: 'Giấy tờ đã nhận' }).waitFor();
  await assertAccessible(page, 'counter intake');

  // nothing ticked: each mandatory paper says it is missing; nothing typed is lost
  await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await page.locator('#in-paper-0-err').waitFor();
  assert.match(await page.locator('#in-paper-0-err').textContent(), /Chưa nhận giấy tờ bắt buộc: Tờ khai/);
  assert.match(await page.locator('#in-paper-3-err').textContent(), /Hộ chiếu\/thẻ Căn cước/);
  assert.equal(await page.getByLabel('Số nhà, đường').inputValue(), '12 Lê Lợi');
  await page.getByLabel(/^Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu/).check();
  await page.getByLabel(/^Hộ chiếu\/thẻ Căn cước/).check();
  // the form: name, ID and ward came from the lookup
  const procForm = page.locator('.proc-form');
  assert.equal(await procForm.getByLabel('Họ, chữ đệm và tên *').inputValue(), 'Nguyễn Văn An');
  assert.equal(await procForm.getByLabel('Số định danh cá nhân *').inputValue(), DEMO.citizen);
  const birth = procForm.getByLabel('Ngày sinh *');
  await birth.fill('31/02/2003'); // typed the Vietnamese way; no such day
  await procForm.getByLabel('Tình trạng hôn nhân hiện tại *').selectOption({ label: 'Chưa đăng ký kết hôn' });
  await procForm.getByLabel('Mục đích sử dụng *').fill('Đăng ký kết hôn');
  // refused next to the field before anything is sent, nothing typed lost
  await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await procForm.locator('.field-error').waitFor();
  assert.equal(await birth.getAttribute('aria-invalid'), 'true');
  const birthErr = (await birth.getAttribute('aria-describedby')).split(' ').pop();
  assert.match(await page.locator(`[id="${birthErr}"]`).textContent(), /Ngày không hợp lệ/);
  assert.equal(await birth.inputValue(), '31/02/2003');
  assert.equal(await procForm.getByLabel('Mục đích sử dụng *').inputValue(), 'Đăng ký kết hôn');
  assert.equal(await page.getByLabel('Số nhà, đường').inputValue(), '12 Lê Lợi');
  await birth.fill('14/05/2003');
  // the server's own check: a bad phone number, next to the field
  await page.getByLabel('Số điện thoại').fill('12345');
  await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
  await page.locator('#in-phone-err').waitFor();
  assert.match(await page.locator('#in-phone-err').textContent(), /Số điện thoại phải gồm 10 chữ số/);
  assert.equal(await procForm.getByLabel('Mục đích sử dụng *').inputValue(), 'Đăng ký kết hôn');
  await page.getByLabel('Số điện thoại').fill('0816861711');
  await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();

  await page.getByRole('heading', { level: 1, name: 'Đã tiếp nhận hồ sơ' }).waitFor();
  const code = (await page.locator('#new-code').textContent()).trim();
  assert.match(code, /^000\.01\.31\.H29-\d{6}-\d{4}$/);
  assert.match(await page.locator('#new-secret').textContent(), /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await assertAccessible(page, 'intake done');
  // "print form 01 at once": the button opens the PDF in a new tab
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'In giấy tiếp nhận (mẫu 01)' }).click()]);
  // the new tab is announced before it has navigated: wait for its address
  await popup.waitForURL(new RegExp(`/api/v1/dossiers/${code.replaceAll('.', '\\.')}/forms/01\\.pdf`), { waitUntil: 'commit' });
  await popup.close();
  const pdf = await page.request.get(await page.locator('#link-01').getAttribute('href'));
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

  const d = await (await official(DEMO.wardClerk)).get(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(d.channel, 'counter');
  assert.equal(d.status, 'in_progress');
  assert.equal(d.applicant.full_name, 'Nguyễn Văn An');
  assert.equal(d.applicant.phone, '0816861711');
  assert.deepEqual(d.papers.map((p) => p.code).sort(), ['giay_to_tuy_than', 'to_khai']);
  assert.equal(d.form.residence_unit, '26740');
  assert.equal(d.form.birth_date, '2003-05-14');
  assert.equal(d.form.purpose, 'Đăng ký kết hôn');
  // linked to the citizen's account: it shows in their own list
  const mine = await citizen.get('/api/v1/my/dossiers');
  assert.ok(mine.items.some((x) => x.code === code));
  assertNoErrors(page, [/422/]);
});

test('a refused dossier: attachment downloadable, reasons required, status Từ chối, form 03 printable', async () => {
  // the citizen attached a scan of the divorce decision
  const up = await fetch(`${srv.base}/api/v1/files`, {
    method: 'POST', body: samplePdf(),
    headers: { Authorization: `Bearer ${citizen.token}`, 'Content-Type': 'application/octet-stream', 'Idempotency-Key': `office-${Date.now()}` },
  });
  assert.equal(up.status, 201);
  const { sha256 } = await up.json();
  const d0 = await citizen.ok('POST', '/api/v1/dossiers',
    { procedure_code: '1.004873', form: { ...form, marital_status: 'divorced', divorce_scan: sha256 } });
  const code = d0.code;
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto(dossierUrl(code));
  await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  const file = page.locator('#attachments a');
  assert.match(await file.textContent(), /Giấy tờ chứng minh đã ly hôn/);
  const got = await page.request.get(await file.getAttribute('href'));
  assert.equal(got.status(), 200);
  assert.equal(got.headers()['content-type'], 'application/pdf');
  assert.deepEqual(await got.body(), samplePdf());
  // saved, never shown as a page of this origin
  assert.match(got.headers()['content-disposition'], /^attachment; filename="/);
  assert.equal(got.headers()['content-security-policy'], "sandbox; default-src 'none'");
  assert.equal(got.headers()['x-content-type-options'], 'nosniff');
  const [saved] = await Promise.all([page.waitForEvent('download'), file.click()]);
  assert.deepEqual(readFileSync(await saved.path()), samplePdf());
  assert.equal(await page.locator('.form-data dd', { hasText: /^Đã ly hôn$/ }).count(), 1);
  const confirm = await openAction(page, 'Từ chối', 'Xác nhận từ chối');
  await confirm.click();
  assert.equal(await page.getByLabel('Lý do từ chối *').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Lý do từ chối *').fill('Người nộp không thuộc phạm vi giải quyết của phường\nTờ khai không có chữ ký');
  await confirm.click();
  await page.locator('#done').waitFor();
  assert.equal(await page.locator('#status').textContent(), 'Từ chối');
  assert.match(await page.locator('.dossier-head').textContent(), /Tờ khai không có chữ ký/);
  assert.equal(await page.locator('#no-actions').textContent(), 'Hồ sơ đã kết thúc.');
  const link = page.getByRole('link', { name: /^Mẫu 03/ });
  const pdf = await page.request.get(await link.getAttribute('href'));
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
  const d = await (await official(DEMO.wardClerk)).get(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(d.status, 'refused');
  assert.deepEqual(d.refusal.reasons, ['Người nộp không thuộc phạm vi giải quyết của phường', 'Tờ khai không có chữ ký']);
  assertNoErrors(page);
});

test('request for supplement: the papers ticked and the free text, form 02', async () => {
  const code = await submitted();
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto(dossierUrl(code));
  const confirm = await openAction(page, 'Yêu cầu bổ sung', 'Gửi yêu cầu bổ sung');
  await confirm.click(); // nothing chosen
  await page.locator('#act-request_supplement-items-err').waitFor();
  await page.getByLabel(/^Văn bản ủy quyền theo quy định/).check();
  await page.getByLabel('Nội dung cần bổ sung khác').fill('Ảnh chân dung 4x6');
  await page.getByLabel('Lý do', { exact: true }).fill('Người nộp là người được ủy quyền');
  await assertAccessible(page, 'request for supplement');
  await confirm.click();
  await page.locator('#done').waitFor();
  assert.equal(await page.locator('#status').textContent(), 'Yêu cầu bổ sung hồ sơ');
  const d = await (await official(DEMO.wardClerk)).get(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(d.status, 'supplement_requested');
  assert.deepEqual(d.supplement.items, ['Văn bản ủy quyền theo quy định', 'Ảnh chân dung 4x6']);
  const pdf = await page.request.get(await page.getByRole('link', { name: /^Mẫu 02/ }).getAttribute('href'));
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  // in the "awaiting supplement" queue
  await page.goto('/can-bo?queue=supplement');
  await page.locator('#queue-table tbody tr', { hasText: code }).waitFor();
  assertNoErrors(page);
});

test('specialist forwards, leader approves, clerk returns the result - in the browser', async () => {
  const code = await submitted();
  await (await official(DEMO.wardClerk)).act(code, 'receive');

  const spec = await newPage(browser, srv);
  await login(spec, DEMO.wardSpecialist);
  await spec.goto('/can-bo');
  // a specialist starts on the dossiers at their step
  await spec.getByRole('link', { name: /^Đang chờ tôi xử lý [1-9]\d* hồ sơ$/ }).waitFor();
  assert.equal(await spec.locator('#tab-process').getAttribute('aria-current'), 'page');
  await spec.locator('#queue-table tbody tr', { hasText: code }).getByRole('link', { name: code }).click();
  await spec.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  // the specialist may not receive or return: only the step's actions are offered
  assert.equal(await spec.getByRole('button', { name: 'Tiếp nhận', exact: true }).count(), 0);
  const fwd = await openAction(spec, 'Chuyển bước tiếp theo', 'Xác nhận chuyển');
  assert.match(await spec.locator('#act-forward').textContent(), /Phê duyệt, ký/);
  await spec.getByLabel('Ghi chú').fill('Đủ điều kiện cấp');
  await fwd.click();
  await spec.locator('#done').waitFor();
  assert.match(await spec.locator('.dossier-head').textContent(), /3\. Phê duyệt, ký/);
  assert.equal(await spec.locator('#no-actions').count(), 1);

  const lead = await newPage(browser, srv);
  await login(lead, DEMO.wardLeader);
  await lead.goto('/can-bo?queue=process');
  await lead.locator('#queue-table tbody tr', { hasText: code }).getByRole('link', { name: code }).click();
  await lead.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  await assertAccessible(lead, 'dossier page (leader)');
  const approve = await openAction(lead, 'Phê duyệt', 'Xác nhận phê duyệt');
  await approve.click();
  await lead.locator('#done').waitFor();
  assert.equal(await lead.locator('#status').textContent(), 'Đã có kết quả');
  assert.match(await lead.locator('#events li', { hasText: 'Phê duyệt' }).textContent(), new RegExp(names[DEMO.wardLeader]));

  const clerk = await newPage(browser, srv);
  await login(clerk, DEMO.wardClerk);
  await clerk.goto('/can-bo');
  await clerk.getByRole('link', { name: /^Chờ trả kết quả [1-9]\d* hồ sơ$/ }).click();
  // the queue row says how the result came, as the dossier's summary does
  const retRow = clerk.locator('#queue-table tbody tr', { hasText: code });
  const score = (await (await official(DEMO.wardClerk)).get('/api/v1/queues/return')).items.find((x) => x.code === code).result_status;
  assert.ok(['early', 'on_time'].includes(score), score);
  assert.match(await retRow.locator('.due-word').textContent(), score === 'early' ? /^Trước hạn$/ : /^Đúng hạn$/);
  await retRow.getByRole('link', { name: code }).click();
  const ret = await openAction(clerk, 'Trả kết quả', 'Xác nhận đã trả kết quả');
  await ret.click();
  await clerk.locator('#done').waitFor();
  assert.equal(await clerk.locator('#status').textContent(), 'Đã trả kết quả');
  // the early / on time / late word next to the appointment
  assert.match(await clerk.locator('#due').textContent(), /Trước hạn|Đúng hạn|Quá hạn/);

  const d = await (await official(DEMO.wardClerk)).get(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(d.status, 'returned');
  assert.equal(d.steps[1].note, 'Đủ điều kiện cấp');
  assert.deepEqual(d.steps.map((s) => s.received_by?.full_name),
    [names[DEMO.wardClerk], names[DEMO.wardSpecialist], names[DEMO.wardLeader], names[DEMO.wardClerk]]);
  for (const p of [spec, lead, clerk]) assertNoErrors(p);
});

test('leader assigns the specialist; the specialist proposes a new date, the chairman approves and signs the apology (form 04)', async () => {
  const code = await submitted();
  await (await official(DEMO.wardClerk)).act(code, 'receive');
  const lead = await newPage(browser, srv);
  await login(lead, DEMO.wardLeader);
  await lead.goto(dossierUrl(code));
  const assign = await openAction(lead, 'Phân công', 'Giao xử lý');
  await lead.getByLabel('Cán bộ được giao *').selectOption({ label: names[DEMO.wardSpecialist] });
  await assign.click();
  await lead.locator('#done').waitFor();
  assert.equal(await lead.locator('#assignee').textContent(), names[DEMO.wardSpecialist]);

  const spec = await newPage(browser, srv);
  await login(spec, DEMO.wardSpecialist);
  await spec.goto('/can-bo?queue=mine');
  await spec.locator('#queue-table tbody tr', { hasText: code }).getByRole('link', { name: code }).click();
  await spec.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  const before = await (await official(DEMO.wardSpecialist)).get(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  const extend = await openAction(spec, 'Xin lỗi và gia hạn', 'Trình thủ trưởng duyệt gia hạn');
  await assertAccessible(spec, 'extension form');
  await extend.click(); // nothing filled in
  assert.equal(await spec.getByLabel('Lý do chậm trễ (ghi trong thư xin lỗi) *').getAttribute('aria-invalid'), 'true');
  assert.equal(await spec.getByLabel('Ngày hẹn mới *').getAttribute('aria-invalid'), 'true');
  // a day that does not exist and an hour past 23: refused next to their
  // fields, nothing sent, nothing typed lost
  const reasonBox = spec.getByLabel('Lý do chậm trễ (ghi trong thư xin lỗi) *');
  const dateBox = spec.getByLabel('Ngày hẹn mới *');
  const timeBox = spec.getByLabel('Giờ hẹn');
  await reasonBox.fill('Cần xác minh thông tin hôn nhân tại nơi cư trú trước đây');
  await dateBox.fill('31/02/2027');
  await timeBox.fill('25:00');
  await extend.click();
  await spec.locator('#act-extend-date-err').waitFor();
  assert.match(await spec.locator('#act-extend-date-err').textContent(), /Ngày không hợp lệ/);
  assert.match(await spec.locator('#act-extend-time-err').textContent(), /Giờ không hợp lệ/);
  assert.equal(await dateBox.getAttribute('aria-invalid'), 'true');
  assert.equal(await timeBox.getAttribute('aria-invalid'), 'true');
  assert.equal(await reasonBox.getAttribute('aria-invalid'), null);
  assert.equal(await reasonBox.inputValue(), 'Cần xác minh thông tin hôn nhân tại nơi cư trú trước đây');
  assert.equal(await dateBox.inputValue(), '31/02/2027');
  assert.equal(await timeBox.inputValue(), '25:00');
  assert.equal((await (await official(DEMO.wardSpecialist)).get(`/api/v1/dossiers/${encodeURIComponent(code)}`)).extended, false);
  // a new date three days or more after the old one, on a working day
  // (a weekend or 1/1 is refused), Vietnam time, typed dd/mm/yyyy
  const old = new Date(new Date(before.due_at).getTime() + 7 * 3600000);
  let nd = new Date(old.getTime() + 3 * 86400000);
  while ([0, 6].includes(nd.getUTCDay()) || nd.toISOString().slice(5, 10) === '01-01') nd = new Date(nd.getTime() + 86400000);
  const newDay = nd.toISOString().slice(0, 10);
  await dateBox.fill(`${newDay.slice(8, 10)}/${newDay.slice(5, 7)}/${newDay.slice(0, 4)}`);
  await timeBox.fill('16:30');
  await extend.click();
  await spec.locator('#done').waitFor();
  // nothing moves before the head of the agency approves: form 04 is theirs to sign
  assert.match(await spec.locator('#extension-note').textContent(), /đang chờ thủ trưởng cơ quan duyệt/);
  assert.equal(await spec.locator('#appointment').count(), 0);
  assert.equal(await spec.getByRole('button', { name: 'Xin lỗi và gia hạn' }).count(), 0);
  assert.equal(await spec.getByRole('button', { name: 'Duyệt gia hạn' }).count(), 0);
  await lead.goto(dossierUrl(code));
  const approve = await openAction(lead, 'Duyệt gia hạn', 'Duyệt và ký văn bản xin lỗi (mẫu 04)');
  await approve.click();
  await lead.locator('#done').waitFor();
  await spec.reload();
  await spec.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  assert.match(await spec.locator('.dossier-head').textContent(), /Cần xác minh thông tin hôn nhân/);
  // the applicant's appointment moves; the legal deadline stays
  assert.match(await spec.locator('#appointment').textContent(), new RegExp(`^${newDay.slice(8, 10)}/${newDay.slice(5, 7)}/${newDay.slice(0, 4)} 16:30`));
  assert.match(await spec.locator('#due').textContent(), new RegExp(`^${old.toISOString().slice(8, 10)}/${old.toISOString().slice(5, 7)}/`));
  // once only: the action is gone; form 04 prints the apology
  assert.equal(await spec.getByRole('button', { name: 'Xin lỗi và gia hạn' }).count(), 0);
  const pdf = await spec.request.get(await spec.getByRole('link', { name: /^Mẫu 04/ }).getAttribute('href'));
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  const after = await (await official(DEMO.wardSpecialist)).get(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(after.extended, true);
  assert.equal(after.appointment_at, `${newDay}T16:30:00+07:00`);
  assert.equal(after.due_at, before.due_at);
  assert.equal(after.assignee.full_name, names[DEMO.wardSpecialist]);
  for (const p of [lead, spec]) assertNoErrors(p);
});

test('a stale page: someone acted first, the page says so and reloads', async () => {
  const code = await submitted();
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto(dossierUrl(code));
  const confirm = await openAction(page, 'Tiếp nhận', 'Xác nhận tiếp nhận');
  await (await official(DEMO.wardClerk)).act(code, 'receive'); // another clerk, first
  await confirm.click();
  const alert = page.locator('#act-receive [role=alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /vừa được người khác cập nhật/);
  await page.getByRole('button', { name: 'Tải lại hồ sơ' }).click();
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Đang giải quyết');
  assert.equal(await page.getByRole('button', { name: 'Tiếp nhận', exact: true }).count(), 0);
  assertNoErrors(page, EXPECTED);
});

test('a phone screen: queues, a dossier and intake are no wider than 360 px', async () => {
  const code = await submitted();
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.wardClerk);
  for (const path of ['/can-bo', '/can-bo?queue=all', dossierUrl(code), '/can-bo/tiep-nhan']) {
    await page.goto(path, { waitUntil: 'networkidle' });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${path} is ${width}px wide on a 360px screen`);
  }
  await page.goto('/can-bo', { waitUntil: 'networkidle' });
  await page.locator('#queue-table tbody tr', { hasText: code }).waitFor();
  // stacked rows: each cell names its column
  const label = await page.locator('#queue-table tbody tr', { hasText: code }).locator('td').first()
    .evaluate((td) => getComputedStyle(td, '::before').content);
  assert.equal(label, '"Mã hồ sơ: "');
  await assertAccessible(page, 'queues on a phone');
  assertNoErrors(page);
});

test('English, and the weight of the officials\' pages', async () => {
  const code = await submitted();
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  for (const path of ['/can-bo', '/can-bo/tiep-nhan', dossierUrl(code)]) {
    const bytes = await pageWeight(page, path);
    assert.ok(bytes < 200 * 1024, `${path} transferred ${bytes} bytes`);
    assert.ok(bytes > 5 * 1024, `${path} transferred only ${bytes} bytes: the measure is wrong`);
  }
  await page.goto('/can-bo');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Work queues' }).waitFor();
  await page.getByRole('link', { name: /^To receive \d+ dossiers$/ }).waitFor();
  await page.locator('#queue-table tbody tr', { hasText: code }).getByText('Certificate of marital status').waitFor();
  await page.goto(dossierUrl(code));
  await page.getByRole('heading', { level: 1, name: `Dossier ${code}` }).waitFor();
  await page.getByRole('button', { name: 'Receive', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  assertNoErrors(page);
});

test('nobody signed in goes to the login page and comes back; a citizen is kept out', async () => {
  const anon = await newPage(browser, srv);
  await anon.goto('/can-bo/tiep-nhan');
  await anon.waitForURL('**/dang-nhap?next=*');
  await anon.getByLabel(/Tên đăng nhập/).fill(DEMO.wardClerk);
  await anon.getByLabel(/^Mật khẩu$/).fill('motcua2026');
  await anon.getByRole('button', { name: 'Đăng nhập' }).click();
  await anon.getByRole('heading', { level: 1, name: 'Tiếp nhận hồ sơ tại quầy' }).waitFor();
  assert.equal(new URL(anon.url()).pathname, '/can-bo/tiep-nhan');
  assertNoErrors(anon);

  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  for (const path of ['/can-bo', '/can-bo/tiep-nhan']) {
    await page.goto(path);
    await page.getByRole('heading', { level: 1, name: 'Không có quyền truy cập' }).waitFor();
  }
  assertNoErrors(page);
});
