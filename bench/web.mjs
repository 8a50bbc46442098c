// bench/web.mjs - the web pages in Debian's chromium: bytes transferred and
// time until the page's heading is drawn, cold (empty cache) and warm
// (revalidated by ETag), median of RUNS loads.  The reference, measured in
// the same run: nginx serving a static page with the same HTML shell and
// stylesheet and the heading already in it (what no page can beat).
//
// Usage: node bench/web.mjs   (MOTCUA_BIN, RUNS=7, NGINX=/usr/sbin/nginx)
// Cold: a new browser profile (empty cache).  Warm: the same page loaded
// again in that profile (every file revalidated: 304 answers).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startServer, launchBrowser, ROOT, DEMO, PASSWORD } from '../tests/e2e/lib/harness.mjs';
import { Client, maritalForm } from '../tests/e2e/lib/api.mjs';

const RUNS = Number(process.env.RUNS || 7);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// nginx with the static reference page.
async function startNginx() {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-web.'));
  const www = join(dir, 'www');
  mkdirSync(www);
  cpSync(join(ROOT, 'web', 'css'), join(www, 'css'), { recursive: true });
  const shell = readFileSync(join(ROOT, 'web', 'index.html'), 'utf8')
    .replace(/<script[^>]*><\/script>\n?/g, '').replace(/<link rel="modulepreload"[^>]*>\n?/g, '')
    .replace('<div id="view"></div>', '<div id="view"><h1>Dịch vụ công trực tuyến</h1></div>');
  writeFileSync(join(www, 'index.html'), shell);
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), `${process.getuid() === 0 ? 'user root;' : ''}
daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 256; }
http { types { text/html html; text/css css; } access_log off; server_tokens off;
  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 127.0.0.1:${port}; root ${www}; etag on; add_header Cache-Control no-cache; } }
`);
  const proc = spawn(process.env.NGINX || '/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'inherit' });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base: `http://127.0.0.1:${port}`, stop: () => { proc.kill('SIGQUIT'); rmSync(dir, { recursive: true, force: true }); } };
}

// One load: bytes over the wire (what Chromium counts as received for each
// request: headers and body, nothing for a file served from its cache) and
// ms from navigation start until an h1 with text is on screen.
async function load(page, url) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(url, { waitUntil: 'commit' });
  const ms = await page.evaluate(() => new Promise((resolve, reject) => {
    const check = () => {
      const h = document.querySelector('h1');
      if (h && h.textContent.trim()) requestAnimationFrame(() => resolve(performance.now()));
      else if (performance.now() > 10000) reject(new Error(`no heading on ${location.pathname}`));
      else setTimeout(check, 2);
    };
    check();
  }));
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return { bytes, ms };
}

async function measure(browser, base, path, who) {
  const cold = [], warm = [];
  let bytesCold = 0, bytesWarm = 0;
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: base });
    const page = await ctx.newPage();
    // an official's page needs a session: log in through the API, so that
    // the browser's cache is still empty for the page measured
    if (who) {
      const r = await page.request.post('/api/v1/auth/login', { data: { username: who, password: PASSWORD } });
      if (r.status() !== 200) throw new Error(`login ${who}: ${r.status()}`);
    }
    const c = await load(page, base + path);
    const w = await load(page, base + path);
    cold.push(c.ms); warm.push(w.ms); bytesCold = c.bytes; bytesWarm = w.bytes;
    await ctx.close();
  }
  return { cold: median(cold), warm: median(warm), bytesCold, bytesWarm };
}

const srv = await startServer();
const ngx = await startNginx();
const browser = await launchBrowser();
try {
  const citizen = await Client.login(srv.base, DEMO.citizen);
  const d = await citizen.ok('POST', '/api/v1/dossiers', { procedure_code: '1.004873', form: await maritalForm(citizen) });
  const full = await citizen.get(`/api/v1/dossiers/${encodeURIComponent(d.code)}`);
  const pages = [
    ['home', '/', null],
    ['procedure page', '/thu-tuc/1.004873', null],
    ['tracking', `/tra-cuu?ma=${encodeURIComponent(d.code)}&s=${full.secret}`, null],
    ['log in', '/dang-nhap', null],
    ['apply online', '/nop-ho-so/1.004873', DEMO.citizen],
    ['my dossiers', '/ho-so-cua-toi', DEMO.citizen],
    ['work queues', '/can-bo', DEMO.wardClerk],
    ['statistics', '/thong-ke', DEMO.wardLeader],
    ['dashboard', '/dieu-hanh', DEMO.wardLeader],
  ];
  const ref = await measure(browser, ngx.base, '/', null);
  console.log(`web pages in chromium, median of ${RUNS} loads each (heading drawn, ms; KB transferred)`);
  console.log('page'.padEnd(18) + 'cold ms'.padStart(9) + 'cold KB'.padStart(9) + 'warm ms'.padStart(9) + 'warm KB'.padStart(9));
  const row = (name, m) => console.log(name.padEnd(18) + m.cold.toFixed(0).padStart(9) + (m.bytesCold / 1024).toFixed(1).padStart(9) +
    m.warm.toFixed(0).padStart(9) + (m.bytesWarm / 1024).toFixed(1).padStart(9));
  row('nginx static ref', ref);
  for (const [name, path, who] of pages) row(name, await measure(browser, srv.base, path, who));
} finally {
  await browser.close();
  ngx.stop();
  await srv.stop();
}
