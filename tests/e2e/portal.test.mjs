// portal.test.mjs - the synchronisation with the national public-service
// portal in the browser (issue 17), with the portal's local stand-in
// (scripts/portal-standin.py) and the server's own worker: a citizen's
// online dossier refused by the portal is listed for the operator
// (/quan-tri/dong-bo) with the portal's reason, axe-clean; the operator
// sends it again after a confirmation (cancelled once: nothing sent; also
// at 360 px), is told where the change stands, and the portal takes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, confirmFitsPhone, countFetches, fetches, DEMO, PHONE } from './lib/harness.mjs';
import { Client, maritalForm } from './lib/api.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKEN = 'e2e-portal-token';
let srv, browser, standin, portal;

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  const port = await freePort();
  portal = `http://127.0.0.1:${port}`;
  standin = spawn('/usr/bin/python3', [join(ROOT, 'scripts/portal-standin.py'), String(port), TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    standin.stdout.on('data', (d) => { if (String(d).includes('ready')) resolve(); });
    standin.once('exit', (c) => reject(new Error(`portal-standin exited ${c}`)));
  });
  // the next synchronisation is refused
  await fetch(`${portal}/control`, { method: 'POST', body: JSON.stringify({ refuse: 1, message: 'Mã TTHC chưa được công bố' }) });
  srv = await startServer({
    MOTCUA_NOTIFY: '0',
    MOTCUA_PORTAL: '1',
    MOTCUA_PORTAL_INTERVAL_MS: '200',
    MOTCUA_PORTAL_URL: `${portal}/dongbo`,
    MOTCUA_PORTAL_TOKEN: TOKEN,
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  standin?.kill('SIGTERM');
});

test('the operator sends a refused synchronisation again', async () => {
  const cit = await Client.login(srv.base, DEMO.citizen);
  const d = await cit.ok('POST', '/api/v1/dossiers', { procedure_code: '1.004873', form: await maritalForm(cit) });
  const page = await newPage(browser, srv);
  await login(page, DEMO.admin);
  await page.goto('/quan-tri/dong-bo');
  const row = page.locator('#ps-list li', { hasText: d.code });
  for (let i = 0; i < 50 && !(await row.count()); i++) { await sleep(200); await page.goto('/quan-tri/dong-bo'); }
  await row.locator('.error', { hasText: 'Mã TTHC chưa được công bố' }).waitFor();
  await row.getByText('Mới đăng ký').waitFor();
  await assertAccessible(page, 'portal synchronisation');
  const id = await row.getAttribute('data-id');
  await countFetches(page, `/api/v1/portal/sync/${id}/retry`);
  await page.reload();
  await row.locator('.error', { hasText: 'Mã TTHC chưa được công bố' }).waitFor();

  // the confirmation first, naming the dossier: cancelled, nothing is sent
  await row.getByRole('button', { name: 'Gửi lại', exact: true }).click();
  const confirm = row.locator('.ps-confirm');
  await confirm.getByText(`Gửi lại thay đổi của hồ sơ ${d.code} lên Cổng Dịch vụ công quốc gia ngay bây giờ?`).waitFor();
  await assertAccessible(page, 'portal synchronisation, confirmation');
  await confirm.getByRole('button', { name: 'Không, để sau' }).click();
  assert.equal(await confirm.isHidden(), true);
  assert.equal(await fetches(page), 0);
  assert.equal(await row.getAttribute('data-state'), 'failed');

  // on a 360 px phone the confirmation fits and reads
  await confirmFitsPhone(browser, srv, { path: '/quan-tri/dong-bo', rowSel: `#ps-list li[data-id="${id}"]`, confirmSel: '.ps-confirm', user: DEMO.admin });

  // then confirmed: the answer, and where the change stands now
  await row.getByRole('button', { name: 'Gửi lại', exact: true }).click();
  await confirm.getByRole('button', { name: 'Đồng ý, gửi lại' }).click();
  const notice = row.locator('.notice', { hasText: 'Đã đưa vào hàng chờ gửi lại.' });
  await notice.waitFor();
  assert.equal(await fetches(page), 1);
  const said = /Trạng thái: (Chờ gửi|Đang gửi|Cổng đã nhận)\.$/.exec(await notice.textContent());
  assert.ok(said, await notice.textContent());
  assert.equal(await row.getAttribute('data-state'), { 'Chờ gửi': 'pending', 'Đang gửi': 'sending', 'Cổng đã nhận': 'accepted' }[said[1]]);
  assert.equal(await row.getByRole('button', { name: 'Gửi lại', exact: true }).count(), 0);
  let got = null;
  for (let i = 0; i < 100 && !got; i++) {
    const r = await fetch(`${portal}/dossiers/${encodeURIComponent(d.code)}`);
    if (r.status === 200) got = await r.json(); else await sleep(100);
  }
  assert.ok(got, 'the portal took the dossier');
  assert.equal(got[0].TrangThaiHoSo, '1');
  assert.equal(got[0].KenhThucHien, '2');
  await page.goto('/quan-tri/dong-bo?state=accepted');
  await page.locator('#ps-list li', { hasText: d.code }).waitFor();
  await page.locator('#ps-last').waitFor();
  assertNoErrors(page);
});
