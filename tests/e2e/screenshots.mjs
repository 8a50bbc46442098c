// screenshots.mjs OUTDIR - screenshots of the main pages, on a desktop and
// on a phone, from a fresh demo server with a few dossiers in it (made
// through the API).  `make screenshots` writes them to docs/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, login, DEMO, DESKTOP, PHONE } from './lib/harness.mjs';
import { Client, maritalForm } from './lib/api.mjs';

const out = process.argv[2] || 'docs/screenshots';
mkdirSync(out, { recursive: true });
const srv = await startServer();
const browser = await launchBrowser();
try {
  // a few dossiers at different steps
  const citizen = await Client.login(srv.base, DEMO.citizen);
  const clerk = await Client.login(srv.base, DEMO.wardClerk);
  const specialist = await Client.login(srv.base, DEMO.wardSpecialist);
  const leader = await Client.login(srv.base, DEMO.wardLeader);
  const form = await maritalForm(citizen);
  const made = [];
  for (let i = 0; i < 4; i++) made.push(await citizen.ok('POST', '/api/v1/dossiers', { procedure_code: '1.004873', form }));
  const [done, supp, , waiting] = made;
  await clerk.act(done.code, 'receive');
  await specialist.act(done.code, 'forward', { note: 'Đủ điều kiện' });
  await leader.act(done.code, 'forward', { note: 'Đồng ý' });
  await clerk.act(done.code, 'return');
  await clerk.act(supp.code, 'receive');
  await specialist.act(supp.code, 'request_supplement', {
    items: ['Bản sao giấy tờ chứng minh đã ly hôn / vợ hoặc chồng đã chết', 'Bản gốc Giấy xác nhận tình trạng hôn nhân đã cấp'],
    reason: 'Cần giấy tờ chứng minh tình trạng hôn nhân trước đây',
  });
  const doneFull = await citizen.get(`/api/v1/dossiers/${encodeURIComponent(done.code)}`);
  // the supplement answered in part: what the official checks item by item
  await citizen.act(supp.code, 'supplement', { note: 'Bản gốc tôi sẽ mang đến bộ phận một cửa' });

  const shots = [
    ['home', '/', null, 'both'],
    ['procedure', '/thu-tuc/1.004873', null, 'desktop'],
    ['tracking', `/tra-cuu?ma=${encodeURIComponent(done.code)}&s=${doneFull.secret}`, null, 'both'],
    ['signup', '/dang-ky', null, 'desktop'],
    ['apply', '/nop-ho-so/1.004873', DEMO.citizen, 'both'],
    ['my-dossiers', '/ho-so-cua-toi', DEMO.citizen, 'both'],
    ['my-dossier', `/ho-so-cua-toi/${encodeURIComponent(supp.code)}`, DEMO.citizen, 'desktop'],
    ['queues', '/can-bo', DEMO.wardClerk, 'both'],
    ['intake', '/can-bo/tiep-nhan', DEMO.wardClerk, 'desktop'],
    ['dossier', `/can-bo/ho-so/${encodeURIComponent(waiting.code)}`, DEMO.wardClerk, 'desktop'],
    ['statistics', '/thong-ke', DEMO.wardLeader, 'desktop'],
    ['dashboard', '/dieu-hanh', DEMO.wardLeader, 'phone'],
    ['supplement-check', `/can-bo/ho-so/${encodeURIComponent(supp.code)}`, DEMO.wardSpecialist, 'desktop'],
    ['forgot-password', '/quen-mat-khau', null, 'desktop'],
    ['signup-business', '/dang-ky-doanh-nghiep', null, 'desktop'],
  ];
  for (const [name, path, who, where] of shots) {
    // phone shots at scale 1: half the bytes in the repository, still sharp enough
    for (const [kind, opts] of [['desktop', DESKTOP], ['phone', { ...PHONE, deviceScaleFactor: 1 }]]) {
      if (where !== 'both' && where !== kind) continue;
      const page = await newPage(browser, srv, opts);
      if (who) await login(page, who);
      await page.goto(path, { waitUntil: 'networkidle' });
      await page.waitForTimeout(300);
      const file = join(out, `${name}-${kind}.png`);
      await page.screenshot({ path: file, fullPage: kind === 'desktop' });
      console.log(`wrote ${file}`);
      await page.context().close();
    }
  }
} finally {
  await browser.close();
  await srv.stop();
}
