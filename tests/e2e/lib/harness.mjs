// harness.mjs - what every browser test shares: a real `motcua serve` on a
// free loopback port with a fresh database seeded with the demo data (SQLite
// or PostgreSQL, chosen by MC_TEST_BACKEND like the C tests), Debian's
// chromium driven by playwright-core, an axe-core check, and the demo
// accounts.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, openSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..', '..');
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PASSWORD = 'motcua2026';
export const DEMO = {
  citizen: '079203001234',
  clerk: 'tiepnhan',          // reception clerk, HCMC public service centre
  specialist: 'chuyenvien',   // Department of Justice
  leader: 'lanhdao',          // City People's Committee
  wardClerk: 'tiepnhan.p26740',
  wardSpecialist: 'chuyenvien.p26740',
  wardLeader: 'chutich.p26740',
  admin: 'admin',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const backend = () => (process.env.MC_TEST_BACKEND === 'pg' ? 'pg' : 'sqlite');

function motcuaBin() {
  const bin = process.env.MOTCUA_BIN || join(ROOT, 'build', 'motcua');
  if (!existsSync(bin)) throw new Error(`motcua binary not found at ${bin} (set MOTCUA_BIN)`);
  return bin;
}

// Start a server on a fresh demo database.  env: extra variables (e.g.
// MOTCUA_TEST_NOW); seedArgs: more arguments to `motcua seed` (e.g.
// generated dossiers).  Returns {base, stop()}.
export async function startServer(env = {}, seedArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-e2e.'));
  let db = join(dir, 'motcua.db');
  let pgName = null;
  if (backend() === 'pg') {
    const base = process.env.MOTCUA_TEST_PG;
    if (!base) throw new Error('MOTCUA_TEST_PG is not set (make test sets it)');
    pgName = `e2e_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
    execFileSync('psql', [base, '-qAtc', `CREATE DATABASE ${pgName}`]);
    db = base.replace(/\/[^/]*$/, `/${pgName}`);
  }
  const senv = {
    ...process.env,
    MOTCUA_DB: db,
    MOTCUA_DATA_DIR: dir,
    MOTCUA_SHARE_DIR: ROOT,
    MOTCUA_THREADS: '4',
    MOTCUA_SNAPSHOTS: '0', // no hourly snapshot or daily report behind a test's back
    MOTCUA_ARGON2_OPS: process.env.MOTCUA_ARGON2_OPS || '1',
    MOTCUA_ARGON2_MEM_KIB: process.env.MOTCUA_ARGON2_MEM_KIB || '8192',
    ...env,
  };
  execFileSync(motcuaBin(), ['seed', ...seedArgs], { env: senv, stdio: ['ignore', 'ignore', 'pipe'] });
  const log = join(dir, 'server.log');
  // The port is known before the server starts (forms print links to
  // public_url): another process may take it in between, and then the
  // server says so and exits - try another.
  let base, proc, exited;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    senv.MOTCUA_LISTEN = `127.0.0.1:${port}`;
    senv.MOTCUA_PUBLIC_URL = base;
    const fd = openSync(log, 'a');
    proc = spawn(motcuaBin(), ['serve'], { env: senv, stdio: ['ignore', fd, fd] });
    exited = false;
    proc.on('exit', () => { exited = true; });
    const until = Date.now() + 60000; // a sanitizer build starts slowly
    let up = false;
    while (!up && !exited && Date.now() < until) {
      try {
        up = (await fetch(`${base}/readyz`)).status === 200;
      } catch { /* not yet listening */ }
      if (!up) await new Promise((r) => setTimeout(r, 50));
    }
    if (up) break;
    const text = readFileSync(log, 'utf8');
    if (!exited) proc.kill('SIGKILL');
    if (!exited || attempt >= 5 || !/cannot listen/.test(text)) throw new Error(`motcua serve did not start:\n${text}`);
  }
  return {
    base,
    log,
    // `motcua ARGS` on this server's database (its standard output)
    cli(args) {
      return execFileSync(motcuaBin(), args, { env: senv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    },
    async stop() {
      if (!exited) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      if (pgName) execFileSync('psql', [process.env.MOTCUA_TEST_PG, '-qAtc', `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`]);
      if (process.exitCode) process.stderr.write(`server log kept: ${log}\n`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Debian's chromium, headless, with nothing fetched from outside.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
}

export const DESKTOP = { viewport: { width: 1280, height: 900 } };
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// A new browser context (its own cookies) on the server; every page load
// that fails or logs a console error fails the test.
export async function newPage(browser, srv, opts = DESKTOP) {
  const ctx = await browser.newContext({ ...opts, baseURL: srv.base, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // The API answers refusals with problem+json (401 for nobody signed in,
  // 404 for an unknown code): the page shows those, and the browser's own
  // "Failed to load resource" line for them is not an error.  A static
  // file that fails to load is.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/api/')) page.errors.push(`${r.status()} ${r.url()}`);
  });
  page.setDefaultTimeout(20000); // generous: CI runs two builds' tests side by side on two cores
  return page;
}

// Fails when the page logged errors (expected HTTP failures are answered
// by the API with problem+json and shown, not logged).
export function assertNoErrors(page, allow = []) {
  const errs = page.errors.filter((e) => !allow.some((re) => re.test(e)));
  assert.deepEqual(errs, [], `console errors on ${page.url()}`);
}

// axe-core on the current page: no serious or critical violation.
export async function assertAccessible(page, what) {
  await page.evaluate(AXE_SOURCE);
  // preload: false - axe's "cssom" preload copies the page's style sheets
  // into <style> elements of its own, which the page's CSP (style-src
  // 'self') blocks with console errors that arrive at any time later; the
  // one rule that reads them (css-orientation-lock) is not among ours.
  const res = await page.evaluate(() => window.axe.run(document, {
    preload: false,
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  assert.deepEqual(bad, [], `axe-core on ${what || page.url()}`);
}

// An operator's queue page on a 360 px phone: the confirmation a row's
// "Gửi lại" opens (confirmSel, inside rowSel) fits the screen and passes
// axe; then it is cancelled.  `path` names the page in the messages.
export async function confirmFitsPhone(browser, srv, { path, rowSel, confirmSel, user }) {
  const phone = await newPage(browser, srv, PHONE);
  await login(phone, user);
  await phone.goto(path);
  const row = phone.locator(rowSel);
  await row.getByRole('button', { name: 'Gửi lại', exact: true }).click();
  await row.locator(confirmSel).getByRole('button', { name: 'Đồng ý, gửi lại' }).waitFor();
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${path} is ${width}px wide on a 360px screen`);
  await assertAccessible(phone, `${path}, the confirmation on a phone`);
  await row.getByRole('button', { name: 'Không, để sau' }).click();
  assertNoErrors(phone);
}

// Count, in the page itself, the fetch() calls made to `pathname` (before
// the page's first navigation): unlike the "request" event, the count is
// up to date as soon as the page's own code has run, so that "nothing was
// asked" can be checked without waiting for something not to happen.
export async function countFetches(page, pathname) {
  await page.addInitScript((p) => {
    window.__fetches = 0;
    const real = window.fetch;
    window.fetch = (input, init) => {
      if (new URL(String(input instanceof Request ? input.url : input), location.href).pathname === p) window.__fetches++;
      return real(input, init);
    };
  }, pathname);
}
export const fetches = (page) => page.evaluate(() => window.__fetches);
// Wait until the count has reached n.
export async function fetchesReach(page, n) {
  await page.waitForFunction((k) => window.__fetches >= k, n);
}

// Wait until the page's own address is `path` (pushState and replaceState
// included).  Not waitForURL('**/x'): its glob also matches a query string
// that contains the path (/dang-nhap?next=/x), which passes too early.
export async function waitForPath(page, path) {
  await page.waitForFunction((p) => location.pathname === p, path);
}

// Log in through the login page.
export async function login(page, username, password = PASSWORD) {
  await page.goto('/dang-nhap');
  await page.getByLabel(/Tên đăng nhập|Username/).fill(username);
  await page.getByLabel(/^(Mật khẩu|Password)$/).fill(password);
  await page.getByRole('button', { name: /^(Đăng nhập|Log in)$/ }).click();
  await page.locator('#logout').waitFor();
}

// Bytes a page load transfers (fonts aside): what Chromium counts as
// received for each request, headers included.
export async function pageWeight(page, path) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let total = 0;
  const fonts = new Set();
  cdp.on('Network.responseReceived', (e) => { if (e.type === 'Font') fonts.add(e.requestId); });
  cdp.on('Network.loadingFinished', (e) => { if (!fonts.has(e.requestId)) total += e.encodedDataLength; });
  await page.goto(path, { waitUntil: 'networkidle' });
  await cdp.detach();
  return total;
}

// A small valid PDF to attach.
export function samplePdf() {
  return readFileSync(join(ROOT, 'tests', 'data', 'sample.pdf'));
}
