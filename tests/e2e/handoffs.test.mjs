// handoffs.test.mjs - the dossiers handed to external agencies' systems in
// the browser (/quan-tri/chuyen-giao), with the server's own courier: the
// Sai Gon ward police made external (`motcua exchange external`), its
// system played by tests/exchange/handoff_sink.py, which refuses the first
// hand-over (400: failed at once).  The operator (agency.manage) finds the
// citizen's dossier failed with the error, on a desktop and on a 360 px
// phone, axe-clean; tries it again after a confirmation (cancelled once),
// sees the answer and the row's new state, then finds it delivered and the
// sink holding it.  A clerk has no menu entry and no page, the API answers
// them 403; an agency administrator elsewhere does not see the police's
// hand-overs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, DEMO, PHONE } from './lib/harness.mjs';
import { Client } from './lib/api.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const POLICE = '000.01.40.H29';
let srv, browser, sink, sinkUrl, dir, code;

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The dossiers the police's system took (the sink's log).
const received = () => (existsSync(join(dir, 'handoffs.jsonl'))
  ? readFileSync(join(dir, 'handoffs.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).body.code) : []);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motcua-handoff.'));
  const port = await freePort();
  sinkUrl = `http://127.0.0.1:${port}`;
  sink = spawn('/usr/bin/python3', [join(ROOT, 'tests/exchange/handoff_sink.py'), String(port), join(dir, 'handoffs.jsonl')],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    sink.stdout.on('data', (d) => { if (String(d).includes('ready')) resolve(); });
    sink.once('exit', (c) => reject(new Error(`handoff_sink exited ${c}`)));
  });
  // the police's system refuses the next hand-over
  await fetch(`${sinkUrl}/control`, { method: 'POST', body: JSON.stringify({ status: 400, count: 1 }) });
  srv = await startServer({ MOTCUA_NOTIFY: '0', MOTCUA_EXCHANGE_INTERVAL_MS: '200' });
  writeFileSync(join(dir, 'token'), 'e2e-police-token\n');
  srv.cli(['exchange', 'external', '--agency', POLICE, '--url', `${sinkUrl}/in`, '--token-file', join(dir, 'token')]);
  // removal of permanent residence (1.003197): the ward police's
  const cit = await Client.login(srv.base, DEMO.citizen);
  ({ code } = await cit.ok('POST', '/api/v1/dossiers', {
    procedure_code: '1.003197',
    form: { subject_full_name: 'Nguyễn Văn Bình', subject_id_number: '079185176822', reason: 'abroad', residence_unit: '26740' },
  }));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  sink?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The operator's page until the dossier's row is there (the courier's
// first try happens within a round or two).
async function openWithRow(page, path) {
  await page.goto(path);
  const row = page.locator(`#hf-list tr[data-code="${code}"]`);
  for (let i = 0; i < 50 && !(await row.count()); i++) { await sleep(200); await page.goto(path); }
  await row.waitFor();
  return row;
}

test('the operator sees a refused hand-over and tries it again', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.admin);
  await page.locator('nav a[href="/quan-tri/chuyen-giao"]').click();
  await page.locator('h1', { hasText: 'Hồ sơ chuyển sang hệ thống chuyên ngành' }).waitFor();
  const row = await openWithRow(page, '/quan-tri/chuyen-giao');
  assert.equal(await page.locator('#hf-tab-failed').getAttribute('aria-current'), 'page');
  await row.locator('.badge', { hasText: 'Không chuyển được' }).waitFor();
  await row.locator('.hf-error', { hasText: 'HTTP 400' }).waitFor();
  await row.locator('td[data-label="Cơ quan"]', { hasText: 'Công an phường Sài Gòn' }).waitFor();
  assert.equal(await row.locator('td[data-label="Số lần thử"]').textContent(), '1');
  assert.equal(await row.getByRole('link', { name: code }).getAttribute('href'), `/can-bo/ho-so/${encodeURIComponent(code)}`);
  await assertAccessible(page, 'hand-overs, failed');

  // the confirmation first: cancelled, nothing is sent
  await row.getByRole('button', { name: 'Thử lại', exact: true }).click();
  const confirm = row.locator('.hf-confirm');
  await confirm.getByText(`Gửi lại hồ sơ ${code}`).waitFor();
  await assertAccessible(page, 'hand-overs, confirmation');
  await confirm.getByRole('button', { name: 'Không, để sau' }).click();
  assert.equal(await confirm.isHidden(), true);
  assert.equal(await row.locator('.badge').textContent(), 'Không chuyển được');

  // then confirmed: the answer, and the row as the server has it now
  await row.getByRole('button', { name: 'Thử lại', exact: true }).click();
  await row.getByRole('button', { name: 'Đồng ý, thử lại' }).click();
  const fresh = page.locator(`#hf-list tr[data-code="${code}"]`);
  await fresh.locator('.notice', { hasText: 'Đã đưa hồ sơ vào hàng chờ gửi lại.' }).waitFor();
  assert.notEqual(await fresh.getAttribute('data-state'), 'failed');
  assert.match(await fresh.locator('.notice').textContent(), /Trạng thái: (Chờ gửi|Đang gửi|Đã chuyển)\./);
  assert.equal(await fresh.getByRole('button', { name: 'Thử lại', exact: true }).count(), 0);

  // the courier delivers it: listed as delivered, and the police's system has it
  const done = await openWithRow(page, '/quan-tri/chuyen-giao?state=delivered');
  await done.locator('.badge', { hasText: 'Đã chuyển' }).waitFor();
  assert.deepEqual(received(), [code]);
  await page.goto('/quan-tri/chuyen-giao');
  await page.locator('#hf-none').waitFor();
  // in English too
  await page.locator('#lang').click();
  await page.locator('h1', { hasText: "Dossiers handed to agencies' own systems" }).waitFor();
  await page.locator('#hf-tab-all').click();
  await page.locator(`#hf-list tr[data-code="${code}"] .badge`, { hasText: 'Delivered' }).waitFor();
  assertNoErrors(page);
});

test('on a 360 px phone the list fits and reads', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.admin);
  const row = await openWithRow(page, '/quan-tri/chuyen-giao?state=all');
  await row.locator('.badge').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page is ${width} px wide`);
  await assertAccessible(page, 'hand-overs on a phone');
  assertNoErrors(page);
});

test('a clerk has no menu entry nor page; an administrator elsewhere sees none of the police', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.locator('nav a[href="/hop-thu"]').waitFor();
  assert.equal(await page.locator('nav a[href="/quan-tri/chuyen-giao"]').count(), 0);
  await page.goto('/quan-tri/chuyen-giao');
  await page.getByRole('alert').getByText('Trang này dành cho quản trị viên có quyền quản lý cơ quan.').waitFor();
  assert.equal(await page.locator('#hf-list').count(), 0);
  const clerk = await Client.login(srv.base, DEMO.wardClerk);
  assert.equal((await clerk.call('GET', '/api/v1/exchange/handoffs')).status, 403);
  assert.equal((await clerk.call('POST', '/api/v1/exchange/handoffs/1/retry')).status, 403);
  assertNoErrors(page);

  // the Department of Home Affairs' administrator: the page, not the police's rows
  const other = await newPage(browser, srv);
  await login(other, 'quantri.snv');
  await other.locator('nav a[href="/quan-tri/chuyen-giao"]').click();
  await other.locator('#hf-tab-all').click();
  await other.locator('#hf-none').waitFor();
  const admin = await Client.login(srv.base, 'quantri.snv');
  const list = await admin.get('/api/v1/exchange/handoffs');
  assert.deepEqual(list.items, []);
  assertNoErrors(other);
});
