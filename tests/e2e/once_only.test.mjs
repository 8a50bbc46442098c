// once_only.test.mjs - the reuse of an issued paper in a second dossier
// (issue 17 part 3, "once-only"), in the browser, on a phone (360 px):
// - the demo citizen's birth registration (1.001193) gets its result
//   through the API (the ward receives, examines, approves with the signed
//   certificate numbered in its register);
// - the citizen finds the certificate in the personal document store
//   (/kho-du-lieu), with its issuer, dossier and number, and downloads it;
// - applying for a correction of civil status information (1.004859), the
//   form offers the stored certificate instead of an upload, the review
//   says so, and the dossier is filed with it;
// - the ward's clerk sees on the dossier page that the file came from the
//   document store (issuer, dossier, number), not from an upload, and
//   downloads it.
// Every page axe-clean, no console error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, samplePdf, DEMO, PHONE } from './lib/harness.mjs';
import { Client } from './lib/api.mjs';

let srv, browser;
let birth = '', number = '', issuer = '', paperSha = '';
const certificate = Buffer.concat([samplePdf(), Buffer.from('\n% giay khai sinh Nguyen Van Binh\n')]);
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

async function upload(client, bytes) {
  const r = await fetch(`${srv.base}/api/v1/files`, {
    method: 'POST', headers: { Authorization: `Bearer ${client.token}`, 'Content-Type': 'application/octet-stream' }, body: bytes,
  });
  assert.equal(r.status, 201);
  return (await r.json()).sha256;
}

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  // the birth registration, through to its result, as the API does it
  const cit = await Client.login(srv.base, DEMO.citizen);
  const scan = await upload(cit, Buffer.concat([samplePdf(), Buffer.from('\n% giay chung sinh\n')]));
  const d = await cit.ok('POST', '/api/v1/dossiers', {
    procedure_code: '1.001193',
    form: {
      child_full_name: 'Nguyễn Văn Bình', child_birth_date: '2026-01-02', child_sex: 'M', birth_place: '26740',
      mother_full_name: 'Trần Thị Mai', mother_id_number: '079185176822', applicant_relation: 'father',
      birth_certificate_scan: scan,
    },
  });
  birth = d.code;
  const clerk = await Client.login(srv.base, DEMO.wardClerk);
  const spec = await Client.login(srv.base, DEMO.wardSpecialist);
  const lead = await Client.login(srv.base, DEMO.wardLeader);
  await clerk.act(birth, 'receive');
  await spec.act(birth, 'forward', { note: 'Hợp lệ' });
  await upload(lead, certificate);
  const done = await lead.act(birth, 'forward', { result_file: sha256(certificate), result_type_code: 'giay_chung_nhan' });
  assert.equal(done.status, 'result_ready');
  const papers = await cit.get('/api/v1/my/papers');
  assert.equal(papers.items.length, 1);
  number = papers.items[0].number_text;
  issuer = papers.items[0].issuer.name;
  // the file kept: the certificate as the agency's seal signed it
  paperSha = papers.items[0].sha256;
  assert.ok(number && issuer);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

let second = '';

test('the citizen finds the issued paper in the store and reuses it in a new application', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.citizen);
  // in the citizen's menu
  assert.equal(await page.locator('#nav a[href="/kho-du-lieu"]').count(), 1);
  await page.goto('/kho-du-lieu');
  const card = page.locator('#pp-list .pp-paper');
  await card.first().waitFor();
  assert.equal(await card.count(), 1);
  assert.equal((await card.locator('h2').textContent()).trim(), 'Giấy khai sinh');
  assert.equal((await card.locator('.pp-source').textContent()).trim(), `Cấp bởi ${issuer}, hồ sơ ${birth}, số ${number}`);
  // nothing wider than the phone
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360));
  await assertAccessible(page, '/kho-du-lieu');
  const [dl] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: /Tải về/ }).click()]);
  const got = await dl.createReadStream();
  const chunks = [];
  for await (const c of got) chunks.push(c);
  assert.equal(sha256(Buffer.concat(chunks)), paperSha);

  // the application offers it where the birth certificate is asked for
  await page.goto('/nop-ho-so/1.004859');
  const offer = page.locator('#f-birth_certificate_scan-source');
  await offer.waitFor();
  const use = offer.getByRole('radio', { name: /Dùng giấy tờ đã được cấp: Giấy khai sinh/ });
  assert.ok(await use.isChecked());
  assert.match(await offer.textContent(), new RegExp(`hồ sơ ${birth}, số ${number.replace(/[/]/g, '\\/')}`));
  // the supporting documents take no stored paper: an upload only
  assert.equal(await page.locator('#f-supporting_scan-source').count(), 0);
  assert.ok(await page.locator('#f-birth_certificate_scan').isHidden());
  await assertAccessible(page, 'the application with a stored paper offered');
  // upload instead, then back to the stored paper
  await offer.getByRole('radio', { name: 'Tải lên tệp khác' }).check();
  assert.ok(await page.locator('#f-birth_certificate_scan').isVisible());
  await use.check();
  assert.ok(await page.locator('#f-birth_certificate_scan').isHidden());

  await page.locator('#f-subject_full_name').fill('Nguyễn Văn Bình');
  await page.locator('#f-subject_id_number').fill('079203001234');
  await page.locator('#f-change_kind-1').check();
  await page.locator('#f-current_content').fill('Ngày sinh 02/01/2026');
  await page.locator('#f-requested_content').fill('Ngày sinh 01/02/2026');
  await page.locator('#f-reason').fill('Ghi nhầm ngày sinh');
  await page.locator('#f-supporting_scan').setInputFiles({ name: 'to-trinh.pdf', mimeType: 'application/pdf', buffer: samplePdf() });
  await page.waitForFunction(() => document.querySelector('#f-supporting_scan-status.done'));
  await page.locator('#to-review').click();
  const review = page.locator('#review');
  await review.waitFor();
  assert.match(await review.textContent(), /Dùng giấy tờ đã được cấp: Giấy khai sinh/);
  await page.locator('#submit').click();
  await page.locator('#done').waitFor();
  second = (await page.locator('#dossier-code').textContent()).trim();
  assert.ok(second);
  // the dossier's page says where the file came from
  await page.locator('#view-dossier').click();
  const mine = page.locator('#sent .pp-issued');
  await mine.waitFor();
  assert.equal((await mine.textContent()).trim(), `Lấy từ kho dữ liệu: Giấy khai sinh (Cấp bởi ${issuer}, hồ sơ ${birth}, số ${number})`);
  await assertAccessible(page, 'the applicant\'s dossier page');
  assertNoErrors(page);
  await page.context().close();

  const cit = await Client.login(srv.base, DEMO.citizen);
  const d = await cit.get(`/api/v1/dossiers/${encodeURIComponent(second)}`);
  assert.equal(d.form.birth_certificate_scan, paperSha);
  assert.equal(d.reused.length, 1);
  assert.equal(d.reused[0].source, 'issued');
});

test('the official sees that the paper came from the issuing agency\'s record', async () => {
  assert.ok(second);
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.wardClerk);
  await page.goto(`/can-bo/ho-so/${encodeURIComponent(second)}`);
  const list = page.locator('#attachments');
  await list.waitFor();
  const mark = list.locator('.pp-issued');
  assert.equal(await mark.count(), 1);
  assert.equal((await mark.textContent()).trim(), `Lấy từ kho dữ liệu: cấp bởi ${issuer}, hồ sơ ${birth}, số ${number}`);
  // the supporting documents are the applicant's upload
  assert.match(await list.textContent(), /Do người nộp tải lên/);
  // the paper received is the agency's record
  assert.match(await page.locator('#papers table').textContent(), /Bản điện tử lấy từ kho dữ liệu/);
  await assertAccessible(page, 'the official\'s dossier page');
  // served like any file of the dossier
  const file = list.locator('li', { has: page.locator('.pp-issued') }).locator('a');
  const got = await page.request.get(await file.getAttribute('href'));
  assert.equal(got.status(), 200);
  assert.equal(sha256(await got.body()), paperSha);
  assert.match(got.headers()['content-disposition'], /^attachment; filename="/);
  const [saved] = await Promise.all([page.waitForEvent('download'), file.click()]);
  const chunks = [];
  for await (const c of await saved.createReadStream()) chunks.push(c);
  assert.equal(sha256(Buffer.concat(chunks)), paperSha);
  assertNoErrors(page);
  await page.context().close();
});
