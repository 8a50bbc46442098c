// notify.test.mjs - notifications in the browser (issue 16), with a real
// SMTP server and an SMS gateway stand-in on loopback
// (tests/notify/mailsink.py) and the server's own delivery worker:
// - a citizen's online dossier reaches their inbox (/hop-thu) on a phone:
//   unread, opened, read; 360 px wide, axe-clean; messages in English once
//   chosen;
// - a citizen who forgot the password asks for a code on /quen-mat-khau,
//   reads it in the e-mail the SMTP server received, and sets a new
//   password with it;
// - the operator sees a refused e-mail among the dead letters
//   (/quan-tri/thong-bao) and sends it again after a confirmation
//   (cancelled once: nothing sent), also at 360 px, axe-clean; the answer
//   says where the delivery stands.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, confirmFitsPhone, countFetches, fetches, DEMO, PHONE } from './lib/harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let srv, browser, sink, dir;

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The bodies of the messages the SMTP server took for address (decoded).
function mailsTo(address) {
  const out = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.env')).sort()) {
    const env = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (!env.to.includes(address)) continue;
    const raw = readFileSync(join(dir, f.replace(/\.env$/, '.eml')), 'latin1');
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/\r\n/g, '');
    out.push(Buffer.from(body, 'base64').toString('utf8'));
  }
  return out;
}

async function waitFor(fn, what, ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'motcua-sink.'));
  const smtp = await freePort(), sms = await freePort();
  sink = spawn('/usr/bin/python3', [join(ROOT, 'tests/notify/mailsink.py'), dir, String(smtp), String(sms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    sink.stdout.on('data', (d) => { if (String(d).includes('ready')) resolve(); });
    sink.once('exit', (c) => reject(new Error(`mailsink exited ${c}`)));
  });
  srv = await startServer({
    MOTCUA_NOTIFY_INTERVAL_MS: '200',
    MOTCUA_SMTP_URL: `smtp://127.0.0.1:${smtp}`,
    MOTCUA_SMS_URL: `http://127.0.0.1:${sms}/sms`,
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  sink?.kill('SIGTERM');
  if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
});

// A POST from the signed-in page, as the app sends it.
const post = (page, path, body) => page.evaluate(async ([p, b]) => {
  const me = await (await fetch('/api/v1/me')).json();
  const r = await fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token, 'Idempotency-Key': crypto.randomUUID() }, body: JSON.stringify(b) });
  return { status: r.status, body: await r.json().catch(() => null) };
}, [path, body]);

const FORM = { full_name: 'Nguyễn Văn An', id_number: '079203001234', birth_date: '2003-05-14', residence_unit: '26740', marital_status: 'single', purpose: 'Kết hôn' };

test('a citizen reads their notifications on a phone', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.citizen);
  const r = await post(page, '/api/v1/dossiers', { procedure_code: '1.004873', form: FORM });
  assert.equal(r.status, 201);
  const code = r.body.code;
  await page.goto('/hop-thu');
  const subject = `Hồ sơ ${code} đã được gửi trực tuyến`;
  const unread = page.locator('#nt-list li.nt-unread', { hasText: subject });
  for (let i = 0; i < 50 && !(await unread.count()); i++) { await sleep(200); await page.reload(); }
  await unread.waitFor();
  const item = page.locator(`#nt-list li[data-id="${await unread.getAttribute('data-id')}"]`);
  const before = Number((await page.locator('#nt-unread').textContent()).replace(/\D/g, ''));
  assert.ok(before >= 1);
  await item.getByRole('button', { name: subject }).click();
  await item.locator('.nt-body').getByRole('link', { name: 'Mở' }).waitFor();
  await page.waitForFunction((n) => {
    const t = document.getElementById('nt-unread').textContent;
    return n === 1 ? !/\d/.test(t) : Number(t.replace(/\D/g, '')) === n - 1;
  }, before);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `/hop-thu is ${width}px wide on a 360px screen`);
  await assertAccessible(page, 'inbox');
  // the same message went by e-mail, with the tracking link
  const mail = await waitFor(() => mailsTo('annguyenvan03@gmail.com').find((b) => b.includes(code)), 'the e-mail');
  assert.match(mail, new RegExp(`/tra-cuu\\?ma=${code.replace(/\./g, '\\.')}&s=`));
  // English from now on
  await page.locator('#nt-lang').selectOption('en');
  await page.locator('#nt-lang-status', { hasText: 'Đã lưu' }).waitFor();
  const r2 = await post(page, '/api/v1/dossiers', { procedure_code: '1.004873', form: FORM });
  await waitFor(() => mailsTo('annguyenvan03@gmail.com').find((b) => b.includes(r2.body.code) && b.startsWith('Dear ')), 'the English e-mail');
  await page.locator('#nt-lang').selectOption('vi');
  await page.locator('#nt-lang-status', { hasText: 'Đã lưu' }).waitFor();
  assertNoErrors(page);
});

test('a forgotten password: the code by e-mail, then a new password', async () => {
  const page = await newPage(browser, srv, PHONE);
  await page.goto('/quen-mat-khau');
  await page.getByLabel(/Số định danh cá nhân/).fill('079185176822');
  await page.getByRole('button', { name: 'Gửi mã' }).click();
  await page.locator('#fp-sent').waitFor();
  await assertAccessible(page, 'forgot password, code sent');
  const mail = await waitFor(() => mailsTo('binhtranthi85@gmail.com').find((b) => b.includes('Mã đặt lại mật khẩu')), 'the code');
  const code = /là: ([0-9A-Z-]{14})/.exec(mail)[1];
  await page.getByLabel(/^Mã đặt lại mật khẩu/).fill(code);
  await page.getByLabel(/^Mật khẩu mới/).fill('Mat-Khau-Moi-2026');
  await page.getByLabel(/^Nhập lại mật khẩu|^Xác nhận mật khẩu/).fill('Mat-Khau-Moi-2026');
  await page.getByRole('button', { name: 'Đặt mật khẩu mới' }).click();
  await page.locator('#logout').waitFor();
  assertNoErrors(page);
});

test('the operator retries a dead letter', async () => {
  const clerk = await newPage(browser, srv);
  await login(clerk, DEMO.wardClerk);
  const counters = await clerk.evaluate(async () => (await fetch('/api/v1/counters')).json());
  const counter = (counters.items || counters).find((c) => c.code === 'Q-P26740-01');
  const r = await post(clerk, `/api/v1/counters/${counter.id}/dossiers`, {
    procedure_code: '1.004873', form: { ...FORM, full_name: 'Lê Thị Hồng', id_number: '079185176822', birth_date: '1985-11-02' },
    papers: ['to_khai', 'giay_to_tuy_than'],
    applicant: { full_name: 'Lê Thị Hồng', id_number: '079185176822', phone: '0912345678', email: 'refuse.hong@example.vn', ward_code: '26740' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const page = await newPage(browser, srv);
  await login(page, DEMO.admin);
  const row = page.locator('#nd-list li', { hasText: 'refuse.hong@example.vn' });
  for (let i = 0; i < 50 && !(await row.count()); i++) { await sleep(200); await page.goto('/quan-tri/thong-bao'); }
  await row.locator('.error', { hasText: '550' }).waitFor();
  await assertAccessible(page, 'dead letters');
  const id = await row.getAttribute('data-id');
  const retryPath = `/api/v1/notifications/deliveries/${id}/retry`;
  await countFetches(page, retryPath);
  await page.reload();
  await row.locator('.error', { hasText: '550' }).waitFor();

  // the confirmation first, naming the message and the address: cancelled,
  // nothing is sent
  await row.getByRole('button', { name: 'Gửi lại', exact: true }).click();
  const confirm = row.locator('.nd-confirm');
  await confirm.getByText(/^Gửi lại thông báo .* qua Thư điện tử đến refuse\.hong@example\.vn ngay bây giờ\?/).waitFor();
  await assertAccessible(page, 'dead letters, confirmation');
  await confirm.getByRole('button', { name: 'Không, để sau' }).click();
  assert.equal(await confirm.isHidden(), true);
  assert.equal(await fetches(page), 0);
  assert.equal(await row.getAttribute('data-state'), 'dead');

  // on a 360 px phone the confirmation fits and reads
  await confirmFitsPhone(browser, srv, { path: '/quan-tri/thong-bao', rowSel: `#nd-list li[data-id="${id}"]`, confirmSel: '.nd-confirm', user: DEMO.admin });

  // then confirmed: the answer, and where the delivery stands now (this
  // address is refused again: it may be back among the dead letters)
  await row.getByRole('button', { name: 'Gửi lại', exact: true }).click();
  await confirm.getByRole('button', { name: 'Đồng ý, gửi lại' }).click();
  const notice = row.locator('.notice', { hasText: 'Đã đưa vào hàng chờ gửi lại.' });
  await notice.waitFor();
  assert.equal(await fetches(page), 1);
  assert.match(await notice.textContent(), /Trạng thái: (Chờ gửi|Đang gửi|Đã gửi|Không gửi được)\.$/);
  assert.equal(await row.getByRole('button', { name: 'Gửi lại', exact: true }).count(), 0);
  const st = await notice.textContent();
  const states = { 'Chờ gửi': 'pending', 'Đang gửi': 'sending', 'Đã gửi': 'sent', 'Không gửi được': 'dead' };
  assert.equal(await row.getAttribute('data-state'), states[/Trạng thái: (.*)\.$/.exec(st)[1]]);
  assertNoErrors(page);
});
