// citizen.test.mjs - the citizen's pages in a real browser: applying online
// for 1.004873 (the form built from the procedure's schema, Vietnamese
// messages next to each field from the page's own checks and from the
// server's 422, uploads with progress and their 415/413 errors, the review
// step that keeps everything when going back, the code and tracking secret),
// "my dossiers" and one dossier's timeline, form 01 as a PDF once received,
// answering a request for more papers, accessibility and a phone screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, pageWeight, samplePdf, DEMO, PASSWORD, PHONE, waitForPath } from './lib/harness.mjs';

const UPLOAD_LIMIT = 4096; // small, so that a 413 is cheap to provoke
const CODE_RE = /^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$/; // <agency code>-<YYMMDD>-<NNNN>
const PROC = 'Cấp Giấy xác nhận tình trạng hôn nhân';
const DIVORCE = 'Giấy tờ chứng minh đã ly hôn / vợ chồng đã chết (nếu có)';

let srv, browser;
let code = '';        // the dossier the first test submits; the others follow it
before(async () => {
  srv = await startServer({ MOTCUA_UPLOAD_LIMIT: String(UPLOAD_LIMIT) });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); });

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// The API from node, for setting up what the officials do.
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
async function act(user, action, body) {
  const tok = await token(user);
  const d = await call(tok, 'GET', `/api/v1/dossiers/${code}`);
  assert.equal(d.status, 200);
  const r = await call(tok, 'POST', `/api/v1/dossiers/${code}/actions/${action}`, body, { 'If-Match': d.etag });
  assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// The message shown next to a control: the element its aria-describedby
// names that is a field error.
async function errorOf(locator) {
  assert.equal(await locator.getAttribute('aria-invalid'), 'true', 'aria-invalid');
  const ids = ((await locator.getAttribute('aria-describedby')) || '').split(' ').filter((x) => x.endsWith('-err'));
  assert.equal(ids.length, 1, 'one error message linked by aria-describedby');
  return (await locator.page().locator(`[id="${ids[0]}"]`).textContent()).trim();
}

// The file input labelled name (its progress bar is labelled after it too).
const fileInput = (page, name) => page.getByLabel(name).and(page.locator('input[type="file"]'));

// A PDF the server has not seen yet (another SHA-256).
const otherPdf = (tag) => Buffer.concat([samplePdf(), Buffer.from(`\n% ${tag}\n`)]);

test('applying online: field messages, uploads, review and back, submission', async () => {
  const page = await newPage(browser, srv);

  // nobody signed in: asked to log in, and brought back afterwards
  await page.goto('/nop-ho-so/1.004873');
  await page.getByText('Vui lòng đăng nhập để tiếp tục.').waitFor();
  await page.getByRole('link', { name: 'Đăng nhập để nộp hồ sơ' }).click();
  await page.waitForURL('**/dang-nhap?next=*');
  await page.getByLabel(/Tên đăng nhập/).fill(DEMO.citizen);
  await page.getByLabel(/^Mật khẩu$/).fill(PASSWORD);
  await page.getByRole('button', { name: /^Đăng nhập$/ }).click();
  await waitForPath(page, '/nop-ho-so/1.004873');
  await page.getByRole('heading', { level: 2, name: PROC }).waitFor();
  await assertAccessible(page, 'apply form');

  const box = (name) => page.getByRole('textbox', { name, exact: true });
  const fullName = box('Họ, chữ đệm và tên');
  const idNumber = box('Số định danh cá nhân');
  const birth = box('Ngày sinh');
  const unit = page.getByRole('combobox', { name: 'Nơi cư trú (xã/phường)' });
  const marital = page.getByRole('radiogroup', { name: 'Tình trạng hôn nhân hiện tại' });
  const purpose = box('Mục đích sử dụng');
  const file = fileInput(page, DIVORCE);
  const review = page.getByRole('button', { name: 'Xem lại trước khi nộp' });

  // the limits of the schema are on the controls
  assert.equal(await fullName.getAttribute('maxlength'), '100');
  assert.equal(await purpose.getAttribute('maxlength'), '200');
  assert.equal(await idNumber.getAttribute('maxlength'), '12');
  assert.equal(await fullName.getAttribute('aria-required'), 'true');
  assert.equal(await file.getAttribute('aria-required'), null, 'the divorce proof is optional');

  // empty: a Vietnamese message next to every required field
  await review.click();
  assert.equal(await errorOf(fullName), 'Vui lòng nhập thông tin này.');
  assert.equal(await errorOf(idNumber), 'Vui lòng nhập thông tin này.');
  assert.equal(await errorOf(birth), 'Vui lòng nhập thông tin này.');
  assert.equal(await errorOf(unit), 'Vui lòng chọn xã, phường.');
  assert.equal(await errorOf(marital), 'Vui lòng chọn một mục.');
  assert.equal(await errorOf(purpose), 'Vui lòng nhập thông tin này.');
  assert.equal(await file.getAttribute('aria-invalid'), null);
  assert.match(await page.getByRole('alert').textContent(), /Có 6 mục cần sửa/);
  // the summary at the top of the form, with the focus, links every field (GOV.UK)
  const summary = page.locator('#apply-form > .error-summary');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), true, 'focus on the summary');
  assert.equal(await page.evaluate(() => document.getElementById('apply-form').firstElementChild.classList.contains('error-summary')), true, 'the summary comes first');
  assert.equal(await summary.locator('a').count(), 6);
  await summary.getByRole('link', { name: 'Vui lòng chọn xã, phường.' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-residence_unit', 'a link takes the focus to its field');
  assert.equal(new URL(page.url()).hash, '', 'no change of address');
  await summary.locator('a').first().click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-full_name');
  assert.ok(await page.locator('#review').isHidden());
  await assertAccessible(page, 'apply form with errors');

  // wrong formats
  await fullName.fill('Nguyễn Văn An');
  await idNumber.fill('07920300');
  await birth.fill('31/02/2003');
  await unit.fill('khong co phuong nay');
  await review.click();
  assert.equal(await errorOf(idNumber), 'Số định danh cá nhân phải gồm đúng 12 chữ số.');
  assert.equal(await errorOf(birth), 'Ngày không hợp lệ.');
  assert.equal(await errorOf(unit), 'Vui lòng chọn xã, phường trong danh sách gợi ý.');
  assert.equal(await fullName.getAttribute('aria-invalid'), null, 'a corrected field loses its message');

  await idNumber.fill(DEMO.citizen);
  await birth.fill('14/05/2003');
  await unit.fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  assert.equal(await unit.inputValue(), 'Phường Sài Gòn, Thành phố Hồ Chí Minh');
  await marital.getByLabel('Chưa đăng ký kết hôn').check();
  await purpose.fill('Đăng ký kết hôn');

  // uploads: the wrong type and a file too large, each said next to the paper
  await file.setInputFiles({ name: 'ghichu.txt', mimeType: 'text/plain', buffer: Buffer.from('không phải PDF') });
  await page.locator('#f-divorce_scan-err').waitFor();
  assert.equal(await errorOf(file), 'Tệp không đúng định dạng: chỉ nhận PDF, JPEG hoặc PNG.');
  const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(UPLOAD_LIMIT + 100, 0x20)]);
  await file.setInputFiles({ name: 'to.pdf', mimeType: 'application/pdf', buffer: big });
  await page.waitForFunction(() => /quá lớn/.test(document.getElementById('f-divorce_scan-err')?.textContent || ''));
  assert.equal(await errorOf(file), 'Tệp quá lớn: tối đa 4 KB.');
  // the right one: progress to the end, name, size and type shown
  await file.setInputFiles({ name: 'ly-hon.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
  const status = page.locator('#f-divorce_scan-status');
  await page.waitForFunction(() => document.getElementById('f-divorce_scan-status').classList.contains('done'));
  assert.equal(await status.textContent(), `Đã tải lên: ly-hon.pdf · ${samplePdf().length} B · PDF`);
  const bar = page.getByRole('progressbar', { name: `Tiến độ tải lên: ${DIVORCE}` });
  assert.equal(await bar.evaluate((p) => p.value), 1);
  assert.equal(await bar.evaluate((p) => p.max), 1);
  assert.equal(await file.getAttribute('aria-invalid'), null);

  // review: everything, read-only
  await review.click();
  const rv = page.locator('#review');
  await rv.waitFor();
  assert.ok(await page.locator('#apply-form').isHidden());
  const text = await rv.textContent();
  for (const s of ['Nguyễn Văn An', DEMO.citizen, '14/05/2003', 'Phường Sài Gòn, Thành phố Hồ Chí Minh',
    'Chưa đăng ký kết hôn', 'Đăng ký kết hôn', 'ly-hon.pdf', 'Nhận tại bộ phận một cửa']) {
    assert.ok(text.includes(s), `review shows ${s}`);
  }
  assert.equal(await rv.locator('input, select, textarea').count(), 0, 'the review is read-only');
  await assertAccessible(page, 'review step');

  // back: nothing lost
  await page.getByRole('button', { name: 'Sửa' }).click();
  await fullName.waitFor();
  assert.equal(await fullName.inputValue(), 'Nguyễn Văn An');
  assert.equal(await birth.inputValue(), '14/05/2003');
  assert.equal(await unit.inputValue(), 'Phường Sài Gòn, Thành phố Hồ Chí Minh');
  assert.ok(await marital.getByLabel('Chưa đăng ký kết hôn').isChecked());
  assert.equal(await purpose.inputValue(), 'Đăng ký kết hôn');
  assert.match(await status.textContent(), /^Đã tải lên: ly-hon\.pdf/);

  // the server's 422 comes back next to its field, the rest kept: the
  // first submission carries a unit code the server does not know (as if
  // the unit had been merged away meanwhile)
  await page.route('**/api/v1/dossiers', async (route) => {
    const body = route.request().postDataJSON();
    body.form.residence_unit = '99999';
    await route.continue({ postData: JSON.stringify(body) });
  }, { times: 1 });
  await review.click();
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.locator('#f-residence_unit-err').waitFor();
  assert.equal(await errorOf(unit), 'Không có đơn vị hành chính với mã này');
  assert.ok(await page.locator('#review').isHidden());
  assert.equal(await purpose.inputValue(), 'Đăng ký kết hôn');
  assert.match(await status.textContent(), /^Đã tải lên/);

  await review.click();
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đã nộp hồ sơ' }).waitFor();
  code = (await page.locator('#dossier-code').textContent()).trim();
  const secret = (await page.locator('#dossier-secret').textContent()).trim();
  assert.match(code, CODE_RE);
  assert.match(secret, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.match(await page.locator('#receipt-later').textContent(), /Mẫu 01/);
  assert.ok(await page.getByRole('link', { name: 'Hồ sơ của tôi' }).first().isVisible());

  // what the server keeps is what was typed
  const d = await call(await token(DEMO.citizen), 'GET', `/api/v1/dossiers/${code}`);
  assert.equal(d.body.status, 'submitted');
  assert.equal(d.body.secret, secret);
  assert.deepEqual(d.body.form, {
    full_name: 'Nguyễn Văn An', id_number: DEMO.citizen, birth_date: '2003-05-14', residence_unit: '26740',
    marital_status: 'single', purpose: 'Đăng ký kết hôn', divorce_scan: sha256(samplePdf()),
  });
  assertNoErrors(page);
});

test('my dossiers lists it; its page shows the timeline', async () => {
  assert.ok(code, 'the first test submitted a dossier');
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  await page.goto('/ho-so-cua-toi');
  const row = page.locator('#my-dossiers tbody tr', { hasText: code });
  await row.waitFor();
  assert.equal((await row.locator('td[data-label="Trạng thái"]').textContent()).trim(), 'Đã nộp, chờ tiếp nhận');
  assert.equal((await row.locator('td[data-label="Thủ tục"]').textContent()).trim(), PROC);
  await assertAccessible(page, 'my dossiers');

  await row.getByRole('link', { name: code }).click();
  await page.getByRole('heading', { level: 1, name: code }).waitFor();
  assert.equal((await page.locator('#status').textContent()).trim(), 'Đã nộp, chờ tiếp nhận');
  const steps = page.locator('#timeline > li');
  assert.equal(await steps.count(), 5, 'submitted + the 4 steps of 1.004873');
  assert.match(await steps.nth(0).textContent(), /Nộp hồ sơ trực tuyến/);
  assert.match(await steps.nth(1).textContent(), /Bước 1: Tiếp nhận hồ sơ.*UBND Phường Sài Gòn.*Đang xử lý/);
  assert.equal(await steps.nth(1).getAttribute('aria-current'), 'step');
  assert.match(await steps.nth(4).textContent(), /Bước 4: Trả kết quả.*Chưa đến bước này/);
  assert.equal(await page.locator('#form-01').count(), 0, 'no receipt before the office receives it');
  assert.doesNotMatch(await page.locator('#view').textContent(), /\bnull\b|undefined|NaN/);
  await assertAccessible(page, 'dossier page');
  assertNoErrors(page);
});

test('received: the receipt as a PDF; a supplement request answered with an upload', async () => {
  assert.ok(code);
  await act(DEMO.wardClerk, 'receive');
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  await page.goto(`/ho-so-cua-toi/${code}`);
  await page.getByRole('heading', { level: 1, name: code }).waitFor();
  assert.equal((await page.locator('#status').textContent()).trim(), 'Đang giải quyết');
  assert.match(await page.locator('#due').textContent(), /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  const steps = page.locator('#timeline > li');
  assert.match(await steps.nth(1).textContent(), /Hoàn thành: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}.*(Trước hạn|Đúng hạn)/);
  assert.match(await steps.nth(2).textContent(), /Bước 2: Thẩm định, xử lý.*Đang xử lý.*Hạn: /);

  // form 01, the receipt and appointment
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: 'Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01, PDF)' }).click()]);
  const pdf = readFileSync(await download.path());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.ok(execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString().includes(code), 'the receipt names the dossier');

  // the ward's specialist asks for three papers: one the form has an upload
  // field for, two in the specialist's own words
  const wanted = 'Bản sao giấy tờ chứng minh đã ly hôn / vợ hoặc chồng đã chết';
  const atDesk = 'Giấy xác nhận tình trạng hôn nhân đã cấp trước đây';
  const photo = 'Ảnh chân dung 4x6';
  const reason = 'Bản chụp quyết định ly hôn bị mờ, không đọc được số quyết định.';
  const before = await call(await token(DEMO.citizen), 'GET', `/api/v1/dossiers/${code}`);
  const firstScan = before.body.form.divorce_scan;
  await act(DEMO.wardSpecialist, 'request_supplement', { items: [wanted, atDesk, photo], reason });
  await page.reload();
  const box = page.locator('#supplement');
  await box.waitFor();
  assert.equal((await page.locator('#status').textContent()).trim(), 'Yêu cầu bổ sung hồ sơ');
  assert.equal(await page.locator('#sup-reason').textContent(), reason);
  const items = box.locator('#sup-items > li');
  assert.equal(await items.count(), 3);
  // every item can be sent online, the ones in the official's words too
  assert.equal(await box.locator('#sup-items input[type=file]').count(), 3);
  assert.doesNotMatch(await box.textContent(), /nộp tại bộ phận một cửa/);
  assert.ok(await page.getByRole('link', { name: 'Phiếu yêu cầu bổ sung hồ sơ (Mẫu 02, PDF)' }).isVisible());
  await assertAccessible(page, 'supplement request');

  // sending nothing: said, nothing sent
  await page.getByRole('button', { name: 'Gửi bổ sung' }).click();
  assert.equal(await errorOf(fileInput(page, wanted)), 'Hãy đính kèm ít nhất một giấy tờ được yêu cầu, hoặc ghi chú cho cán bộ.');

  const newer = otherPdf('ban ro hon');
  const old = otherPdf('giay xac nhan cu');
  await fileInput(page, wanted).setInputFiles({ name: 'quyet-dinh-ly-hon.pdf', mimeType: 'application/pdf', buffer: newer });
  await fileInput(page, atDesk).setInputFiles({ name: 'xac-nhan-cu.pdf', mimeType: 'application/pdf', buffer: old });
  await page.waitForFunction(() => document.querySelectorAll('#supplement .cz-upload-status.done').length === 2);
  await page.getByRole('button', { name: 'Gửi bổ sung' }).click();
  await page.locator('#sup-sent').waitFor();
  // the answer waits for the official's check: the clock stays stopped
  assert.equal((await page.locator('#status').textContent()).trim(), 'Yêu cầu bổ sung hồ sơ');
  const states = async () => (await page.locator('#supplement #sup-item-list .badge').allTextContents()).map((x) => x.trim());
  assert.deepEqual(await states(), ['Đã gửi, chờ kiểm tra', 'Đã gửi, chờ kiểm tra', 'Chưa nộp']);
  let d = await call(await token(DEMO.citizen), 'GET', `/api/v1/dossiers/${code}`);
  assert.equal(d.body.status, 'supplement_requested');
  assert.equal(d.body.form.divorce_scan, sha256(newer));
  // what was first sent is kept
  assert.deepEqual(d.body.earlier_files.map((f) => f.sha256), [firstScan]);

  // the specialist checks item by item: two in hand, the photo missing
  const off = await newPage(browser, srv);
  await login(off, DEMO.wardSpecialist);
  await off.goto(`/can-bo/ho-so/${code}`);
  await off.locator('#sup-answered').waitFor();
  assert.match(await off.locator('#earlier-files').textContent(), /Giấy tờ chứng minh đã ly hôn/);
  assert.equal(await off.locator('#supplement .sup-file a').count(), 2);
  await off.locator('#open-check_supplement').click();
  await off.getByRole('button', { name: 'Lưu kết quả kiểm tra' }).click();
  await off.locator('#act-check_supplement-i0-err, [id^="act-check_supplement-i0"][aria-invalid="true"]').first().waitFor();
  await off.locator('#act-check_supplement-i0-y').check();
  await off.locator('#act-check_supplement-i1-y').check();
  await off.locator('#act-check_supplement-i2-n').check();
  await assertAccessible(off, 'checking a supplement');
  await off.getByRole('button', { name: 'Lưu kết quả kiểm tra' }).click();
  await off.locator('#done').waitFor();
  assert.equal((await off.locator('#status').textContent()).trim(), 'Yêu cầu bổ sung hồ sơ');

  // the applicant sees what is still missing and sends it
  await page.reload();
  await box.waitFor();
  assert.deepEqual(await states(), ['Đã đủ', 'Đã đủ', 'Vẫn còn thiếu']);
  assert.equal(await box.locator('#sup-items input[type=file]').count(), 1);
  await fileInput(page, photo).setInputFiles({ name: 'anh.pdf', mimeType: 'application/pdf', buffer: otherPdf('anh chan dung') });
  await page.waitForFunction(() => document.querySelector('#supplement .cz-upload-status.done'));
  await page.getByRole('button', { name: 'Gửi bổ sung' }).click();
  await page.locator('#sup-sent').waitFor();

  // all in hand: the time starts again, the applicant sees the new appointment
  await off.reload();
  await off.locator('#open-check_supplement').click();
  assert.equal(await off.locator('#act-check_supplement fieldset').count(), 1);
  await off.locator('#act-check_supplement-i2-y').check();
  await off.getByRole('button', { name: 'Lưu kết quả kiểm tra' }).click();
  await off.locator('#done').waitFor();
  assert.equal((await off.locator('#status').textContent()).trim(), 'Đang giải quyết');
  assertNoErrors(off);
  await off.close();

  await page.reload();
  await page.locator('#sup-done').waitFor();
  assert.equal((await page.locator('#status').textContent()).trim(), 'Đang giải quyết');
  assert.equal(await page.locator('#supplement').count(), 0);
  d = await call(await token(DEMO.citizen), 'GET', `/api/v1/dossiers/${code}`);
  assert.equal(d.body.status, 'in_progress');
  assert.ok(d.body.supplement.supplied_at);
  const due = (await page.locator('#due').textContent()).trim();
  assert.match(await page.locator('#sup-done').textContent(), new RegExp(`Ngày hẹn trả kết quả mới: ${due.replace(/[/]/g, '\\/')}`));
  // what the applicant sent, every version and every item, can be read back
  const sent = page.locator('#sent');
  assert.match(await sent.textContent(), /Bản đã được thay thế/);
  assert.equal(await sent.locator('.sup-file a').count(), 3);
  assertNoErrors(page);
});

test('a dossier with its result: early, on time or late in the list and on its steps', async () => {
  assert.ok(code);
  await act(DEMO.wardSpecialist, 'forward', { note: 'Đủ điều kiện cấp.' });
  // the chairman approves with the signed result document
  const leader = await token(DEMO.wardLeader);
  const result = otherPdf('giay xac nhan tinh trang hon nhan');
  const up = await fetch(`${srv.base}/api/v1/files`, { method: 'POST', headers: { Authorization: `Bearer ${leader}`, 'Content-Type': 'application/octet-stream' }, body: result });
  assert.equal(up.status, 201);
  // numbered in the ward's register of outgoing documents as a certificate
  await act(DEMO.wardLeader, 'forward', { result_file: sha256(result), result_type_code: 'giay_chung_nhan' });
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  // the list says early / on time / late from its own summaries: no request per dossier
  const perDossier = [];
  page.on('request', (r) => { if (/\/api\/v1\/dossiers\//.test(new URL(r.url()).pathname)) perDossier.push(r.url()); });
  await page.goto('/ho-so-cua-toi', { waitUntil: 'networkidle' });
  const row = page.locator('#my-dossiers tbody tr', { hasText: code });
  await row.waitFor();
  assert.equal((await row.locator('td[data-label="Trạng thái"]').textContent()).trim(), 'Đã có kết quả');
  // finished days before the appointment of a 3-working-day procedure, on the day the API says
  const progress = row.locator('td[data-label="Tiến độ"]');
  assert.equal((await progress.locator('.cz-tl').textContent()).trim(), 'Trước hạn');
  const summary = (await call(await token(DEMO.citizen), 'GET', '/api/v1/my/dossiers')).body.items.find((x) => x.code === code);
  assert.equal(summary.result_status, 'early');
  assert.equal(await progress.locator('time').getAttribute('datetime'), summary.completed_at);
  assert.match(await progress.textContent(), /Có kết quả: \d{2}\/\d{2}\/\d{4}$/);
  assert.deepEqual(perDossier, []);
  await row.getByRole('link', { name: code }).click();
  await page.locator('#timeline').waitFor();
  assert.equal((await page.locator('#progress').textContent()).trim(), 'Trước hạn');
  const steps = page.locator('#timeline > li');
  for (const k of [1, 2, 3]) assert.match(await steps.nth(k).textContent(), /Hoàn thành: .*(Trước hạn|Đúng hạn)/);
  assert.match(await steps.nth(4).textContent(), /Bước 4: Trả kết quả.*Đang xử lý/);
  // the result document, its number, to download
  assert.match(await page.locator('#result-number').textContent(), /^Số văn bản kết quả: \d{2,}\/GCN-UBND$/);
  // the PDF uploaded, sealed by the ward (PAdES: the upload's bytes, then the signature's update)
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#result-file').click()]);
  const got = readFileSync(await file.path());
  assert.deepEqual(got.subarray(0, result.length), result);
  assert.ok(got.length > result.length && got.includes('/Type /Sig'), 'the result carries the seal');
  assertNoErrors(page);
});

// A new dossier of An's through the API: its code and tracking secret.
async function submitOne() {
  const r = await call(await token(DEMO.citizen), 'POST', '/api/v1/dossiers', {
    procedure_code: '1.004873',
    form: { full_name: 'Nguyễn Văn An', id_number: DEMO.citizen, birth_date: '2003-05-14', residence_unit: '26740', marital_status: 'single', purpose: 'Đăng ký kết hôn' },
  }, { 'Idempotency-Key': `k-${Math.random()}` });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { code: r.body.code, secret: r.body.secret };
}
async function actOn(c, user, action, body) {
  const tok = await token(user);
  const d = await call(tok, 'GET', `/api/v1/dossiers/${c}`);
  const r = await call(tok, 'POST', `/api/v1/dossiers/${c}/actions/${action}`, body, { 'If-Match': d.etag });
  assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  return r.body;
}

test('a refused dossier says so and promises nothing', async () => {
  const { code: c, secret } = await submitOne();
  await actOn(c, DEMO.wardClerk, 'refuse', { reasons: ['Người yêu cầu không cư trú tại phường'] });
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  await page.goto(`/ho-so-cua-toi/${c}`);
  await page.getByRole('heading', { level: 1, name: c }).waitFor();
  assert.equal((await page.locator('#status').textContent()).trim(), 'Từ chối');
  const facts = await page.locator('.cz-facts').first().textContent();
  assert.doesNotMatch(facts, /Ngày hẹn trả kết quả|Sẽ có khi cán bộ tiếp nhận hồ sơ|Có kết quả/);
  assert.equal(await page.locator('#due').count(), 0);
  assert.match(await page.locator('dt:has(+ #ended-at)').textContent(), /Ngày từ chối/);
  assert.equal(await page.locator('#receipt-later').count(), 0, 'no promise of form 01');
  assert.equal(await page.locator('#withdraw').count(), 0);
  // the public tracking page too
  await page.goto(`/tra-cuu?ma=${encodeURIComponent(c)}&s=${encodeURIComponent(secret)}`);
  await page.locator('#dossier').waitFor();
  assert.equal(await page.locator('#appointment').count(), 0);
  assert.equal((await page.locator('#ended-label').textContent()).trim(), 'Ngày từ chối');
  assert.doesNotMatch(await page.locator('#dossier').textContent(), /Có kết quả/);
  assertNoErrors(page);
});

test('the citizen sees what they sent and may withdraw before the result', async () => {
  const { code: c } = await submitOne();
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  await page.goto(`/ho-so-cua-toi/${c}`);
  const sent = page.locator('#sent');
  await sent.waitFor();
  const text = await sent.textContent();
  assert.match(text, /Nguyễn Văn An/);
  assert.match(text, /Đăng ký kết hôn/);
  await assertAccessible(page, 'what was sent');
  await page.locator('#withdraw').click();
  await page.locator('#withdraw-confirm').waitFor();
  await page.locator('#withdraw-no').click();
  assert.ok(await page.locator('#withdraw-confirm').isHidden());
  await page.locator('#withdraw').click();
  await page.locator('#withdraw-yes').click();
  await page.locator('#withdrawn').waitFor();
  assert.equal((await page.locator('#status').textContent()).trim(), 'Đã rút hồ sơ');
  assert.equal(await page.locator('#withdraw').count(), 0);
  const d = await call(await token(DEMO.citizen), 'GET', `/api/v1/dossiers/${c}`);
  assert.equal(d.body.status, 'withdrawn');
  assertNoErrors(page);
});

test('overdue shows wherever it applies: not received in time, past the appointment', async () => {
  const waiting = await submitOne();
  const late = await submitOne();
  await actOn(late.code, DEMO.wardClerk, 'receive');
  const page = await newPage(browser, srv);
  // ten days from now in the browser: both are late where they stand
  await page.clock.setFixedTime(Date.now() + 10 * 86400000);
  await page.goto(`/tra-cuu?ma=${encodeURIComponent(waiting.code)}&s=${encodeURIComponent(waiting.secret)}`);
  await page.locator('#dossier').waitFor();
  assert.equal((await page.locator('#overdue').textContent()).trim(), 'Quá hạn tiếp nhận');
  await page.goto(`/tra-cuu?ma=${encodeURIComponent(late.code)}&s=${encodeURIComponent(late.secret)}`);
  await page.locator('#dossier').waitFor();
  assert.equal((await page.locator('#status').textContent()).trim(), 'Đang giải quyết');
  assert.equal((await page.locator('#overdue').textContent()).trim(), 'Quá hạn');
  await assertAccessible(page, 'overdue on the tracking page');
  // the same dossiers today: not late
  const now = await newPage(browser, srv);
  await now.goto(`/tra-cuu?ma=${encodeURIComponent(late.code)}&s=${encodeURIComponent(late.secret)}`);
  await now.locator('#dossier').waitFor();
  assert.equal(await now.locator('#overdue').count(), 0);
  assertNoErrors(page);
});

test('typed data is kept: a reload, a switch of language, a lost answer; discarded on request; the code survives a reload', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  await page.goto('/nop-ho-so/1.004873');
  await page.getByRole('heading', { level: 2, name: PROC }).waitFor();
  const box = (name) => page.getByRole('textbox', { name, exact: true });
  await box('Họ, chữ đệm và tên').fill('Nguyễn Văn An');
  await box('Số định danh cá nhân').fill(DEMO.citizen);
  await box('Ngày sinh').fill('14/05/2003');
  const unit = page.getByRole('combobox', { name: 'Nơi cư trú (xã/phường)' });
  await unit.fill('sai gon');
  await page.getByRole('option', { name: 'Phường Sài Gòn, Thành phố Hồ Chí Minh' }).click();
  await page.getByRole('radiogroup', { name: 'Tình trạng hôn nhân hiện tại' }).getByLabel('Chưa đăng ký kết hôn').check();
  await box('Mục đích sử dụng').fill('Đăng ký kết hôn');
  await fileInput(page, DIVORCE).setInputFiles({ name: 'ly-hon.pdf', mimeType: 'application/pdf', buffer: otherPdf('nhap') });
  await page.waitForFunction(() => document.getElementById('f-divorce_scan-status').classList.contains('done'));

  // a reload brings it all back, the uploaded file too
  await page.reload();
  await page.locator('#draft-note').getByRole('status').waitFor();
  assert.equal(await box('Họ, chữ đệm và tên').inputValue(), 'Nguyễn Văn An');
  assert.equal(await box('Ngày sinh').inputValue(), '14/05/2003');
  assert.equal(await unit.inputValue(), 'Phường Sài Gòn, Thành phố Hồ Chí Minh');
  assert.ok(await page.getByLabel('Chưa đăng ký kết hôn').isChecked());
  assert.match(await page.locator('#f-divorce_scan-status').textContent(), /ly-hon\.pdf/);
  await assertAccessible(page, 'a draft brought back');

  // switching to English and back keeps it too
  await page.locator('#lang').click();
  await page.getByRole('textbox', { name: 'Purpose', exact: false }).first().waitFor();
  assert.equal(await page.locator('#f-purpose').inputValue(), 'Đăng ký kết hôn');
  await page.locator('#lang').click();
  await box('Mục đích sử dụng').waitFor();
  assert.equal(await box('Mục đích sử dụng').inputValue(), 'Đăng ký kết hôn');

  // submitted: the draft goes, and a reload still shows the code and the secret
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await page.locator('#submit').click();
  await page.locator('#dossier-code').waitFor();
  const c = (await page.locator('#dossier-code').textContent()).trim();
  const secret = (await page.locator('#dossier-secret').textContent()).trim();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: c }).waitFor();
  assert.match(await page.locator('#view').textContent(), new RegExp(secret));
  await page.goto('/nop-ho-so/1.004873');
  await page.getByRole('heading', { level: 2, name: PROC }).waitFor();
  assert.equal(await box('Họ, chữ đệm và tên').inputValue(), '');
  assert.equal(await page.locator('#draft-note').textContent(), '');

  // a draft may be discarded
  await box('Mục đích sử dụng').fill('Việc khác');
  await page.reload();
  await page.locator('#discard-draft').click();
  await box('Mục đích sử dụng').waitFor();
  assert.equal(await box('Mục đích sử dụng').inputValue(), '');
  await page.reload();
  await box('Mục đích sử dụng').waitFor();
  assert.equal(await box('Mục đích sử dụng').inputValue(), '');
  // withdraw the one submitted here, so that later tests' lists are as before
  await actOn(c, DEMO.citizen, 'withdraw', {});
  assertNoErrors(page);
});

test('in English, by keyboard; the page stays light', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  const bytes = await pageWeight(page, '/nop-ho-so/1.004873');
  assert.ok(bytes < 200 * 1024, `the apply page transferred ${bytes} bytes`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Apply online' }).waitFor();
  assert.ok(await page.getByRole('textbox', { name: 'Full name', exact: true }).isVisible());
  assert.ok(await page.getByRole('radiogroup', { name: 'Current marital status' }).getByLabel('Never married').isVisible());
  assert.doesNotMatch(await page.locator('#view').textContent(), /\b(ap|my)_[a-z0-9_]+/, 'every string has its English text');
  // the ward picker by keyboard: type, arrow down, Enter
  const unit = page.getByRole('combobox', { name: 'Residence (ward/commune)' });
  await unit.fill('sai gon');
  await page.getByRole('option', { name: 'Sai Gon Ward, Ho Chi Minh City' }).waitFor();
  await unit.press('ArrowDown');
  assert.ok(await unit.getAttribute('aria-activedescendant'));
  await unit.press('Enter');
  assert.equal(await unit.inputValue(), 'Sai Gon Ward, Ho Chi Minh City');
  assert.equal(await unit.getAttribute('aria-expanded'), 'false');
  await page.getByRole('button', { name: 'Review before submitting' }).click();
  assert.equal(await errorOf(page.getByRole('textbox', { name: 'Full name', exact: true })), 'Please fill this in.');
  assert.equal(await unit.getAttribute('aria-invalid'), null, 'the chosen ward is fine');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ trực tuyến' }).waitFor();
  assertNoErrors(page);
});

test('a phone screen: the apply form and my dossiers fit in 360 px', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.citizen);
  const fits = async (what) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${what} is ${width}px wide on a 360px screen`);
  };
  await page.goto('/nop-ho-so/1.004873');
  await page.locator('#apply-form').waitFor();
  await fits('the apply form');
  await page.getByRole('button', { name: 'Xem lại trước khi nộp' }).click();
  await page.locator('.field-error').first().waitFor();
  await fits('the apply form with its messages');
  await page.goto('/ho-so-cua-toi');
  await page.locator('#my-dossiers').waitFor();
  await fits('my dossiers');
  // the table stacks: each cell names its column
  const label = await page.locator('#my-dossiers td[data-label="Thủ tục"]').first()
    .evaluate((td) => getComputedStyle(td, '::before').content);
  assert.equal(label, '"Thủ tục: "');
  await page.goto(`/ho-so-cua-toi/${code}`);
  await page.locator('#timeline').waitFor();
  await fits('a dossier');
  assertNoErrors(page);
});
