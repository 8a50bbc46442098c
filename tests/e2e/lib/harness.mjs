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
// MOTCUA_TEST_NOW).  Returns {base, stop()}.
export async function startServer(env = {}) {
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
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const senv = {
    ...process.env,
    MOTCUA_DB: db,
    MOTCUA_DATA_DIR: dir,
    MOTCUA_SHARE_DIR: ROOT,
    MOTCUA_LISTEN: `127.0.0.1:${port}`,
    MOTCUA_PUBLIC_URL: base,
    MOTCUA_THREADS: '4',
    MOTCUA_ARGON2_OPS: process.env.MOTCUA_ARGON2_OPS || '1',
    MOTCUA_ARGON2_MEM_KIB: process.env.MOTCUA_ARGON2_MEM_KIB || '8192',
    ...env,
  };
  execFileSync(motcuaBin(), ['seed'], { env: senv, stdio: ['ignore', 'ignore', 'pipe'] });
  const log = join(dir, 'server.log');
  const fd = openSync(log, 'a');
  const proc = spawn(motcuaBin(), ['serve'], { env: senv, stdio: ['ignore', fd, fd] });
  let exited = false;
  proc.on('exit', () => { exited = true; });
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.status === 200) break;
    } catch { /* not yet listening */ }
    if (exited || i > 200) throw new Error(`motcua serve did not start:\n${readFileSync(log, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    log,
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
  const before = page.errors.length;
  await page.evaluate(AXE_SOURCE);
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  // axe-core measures with a style element of its own, which the page's
  // CSP rightly blocks: those reports are axe's, not the page's.
  await page.waitForTimeout(50);
  const mine = page.errors.slice(before).filter((e) => !e.includes("style-src 'self'"));
  page.errors.splice(before, page.errors.length - before, ...mine);
  assert.deepEqual(bad, [], `axe-core on ${what || page.url()}`);
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
