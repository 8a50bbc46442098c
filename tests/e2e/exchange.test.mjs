// exchange.test.mjs - document exchange (edXML) in the browser, one server
// configured as its own peer so that the package really travels over
// HTTP, signed and checked: the Department of Justice's clerical officer
// sends an issued document from its page to the city office; the city
// office's clerical officer, on a phone, finds it among the packages to
// register, opens its attachment and registers it; the sender's page then
// shows the recipient's "received" status.  axe-core on the pages; nothing
// wider than a 360 px phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, samplePdf, PASSWORD, PHONE } from './lib/harness.mjs';

let srv, browser, dir;
before(async () => {
  srv = await startServer({ MOTCUA_EXCHANGE_INTERVAL_MS: '100' });
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'mc-e2e-edxml-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, srv.cli(['pki', 'chain']));
  srv.cli(['exchange', 'peer', '--organ', '000.00.01.H29', '--name', 'Văn phòng UBND (liên thông)', '--url', `${srv.base}/edxml`, '--ca', ca]);
  srv.cli(['exchange', 'peer', '--organ', '000.00.02.H29', '--name', 'Sở Tư pháp (liên thông)', '--url', `${srv.base}/edxml`, '--ca', ca]);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function narrow(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width}px wide on a 360px screen`);
}

// An issued outgoing document of the Department with a PDF, made over the API.
async function issued(summary) {
  const login = await fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'vanthu.stp', password: PASSWORD, token: true }),
  });
  const auth = { Authorization: `Bearer ${(await login.json()).token}` };
  const up = await fetch(`${srv.base}/api/v1/files`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/pdf' }, body: samplePdf() });
  assert.equal(up.status, 201);
  const sha = (await up.json()).sha256;
  const r = await fetch(`${srv.base}/api/v1/documents/outgoing`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type_code: 'quyet_dinh', summary, signer_name: 'Dương Văn Hải', signer_position: 'Giám đốc', recipients: ['Văn phòng UBND Thành phố'], medium: 'electronic', file_sha256: sha }),
  });
  assert.equal(r.status, 201);
  return (await r.json()).id;
}

test('a document sent to another agency, registered there on a phone, and its status back on the sender\'s page', async () => {
  const SUMMARY = 'Về việc liên thông văn bản điện tử năm 2026';
  const id = await issued(SUMMARY);
  // ---- the sender ----
  const vt = await newPage(browser, srv);
  await login(vt, 'vanthu.stp');
  await vt.goto(`/can-bo/van-ban/${id}`);
  const panel = vt.locator('#xc-panel');
  await panel.getByRole('heading', { name: 'Liên thông văn bản' }).waitFor();
  // nothing chosen: said next to the choices, nothing sent
  await panel.getByRole('button', { name: 'Gửi liên thông' }).click();
  await vt.getByText('Chọn từ 1 đến 32 cơ quan liên thông').first().waitFor();
  await panel.getByLabel('Văn phòng UBND (liên thông) (000.00.01.H29)').check();
  await panel.getByRole('button', { name: 'Gửi liên thông' }).click();
  await vt.getByText('Đã gửi văn bản liên thông').waitFor();
  await vt.locator('#xc-sent').getByText('Văn phòng UBND (liên thông)').waitFor();
  await assertAccessible(vt, 'the document with its exchange');
  assertNoErrors(vt);

  // ---- the recipient, on a phone ----
  const vp = await newPage(browser, srv, PHONE);
  await login(vp, 'vanthu.vp');
  let card;
  for (let i = 0; i < 50; i++) {
    await vp.goto('/can-bo/lien-thong');
    await vp.getByRole('heading', { level: 1, name: 'Văn bản liên thông' }).waitFor();
    card = vp.locator('.doc-card').filter({ hasText: SUMMARY });
    if (await card.count()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await card.getByText('Chờ vào sổ').waitFor();
  await card.getByText('Từ: Sở Tư pháp (liên thông)').waitFor();
  await assertAccessible(vp, 'the packages to register');
  await narrow(vp);
  await card.getByRole('link').click();
  await vp.getByRole('heading', { level: 1, name: 'Gói tin văn bản liên thông' }).waitFor();
  await vp.locator('#xc-code').getByText(/QĐ-STP/).waitFor();
  await vp.locator('#xc-statuses').getByText('01 · Đã đến').waitFor();
  const file = await vp.request.get(await vp.locator('#xc-file-1').getAttribute('href'));
  assert.equal(file.status(), 200);
  assert.equal(file.headers()['content-type'], 'application/pdf');
  await assertAccessible(vp, 'a package');
  await narrow(vp);
  await vp.getByRole('button', { name: 'Vào sổ văn bản đến' }).click();
  await vp.getByText('Đã vào sổ văn bản đến và báo cơ quan gửi.').waitFor();
  await vp.locator('#xc-state').getByText('Đã vào sổ').waitFor();
  await vp.locator('#xc-doc').click();
  await vp.getByRole('heading', { level: 1, name: /Quyết định/ }).waitFor();
  await vp.getByText(SUMMARY).first().waitFor();
  assertNoErrors(vp);

  // ---- back at the sender: received ----
  for (let i = 0; i < 50; i++) {
    await vt.goto(`/can-bo/van-ban/${id}`);
    await vt.locator('#xc-sent').waitFor();
    if (await vt.locator('#xc-sent').getByText('03 · Đã tiếp nhận').count()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await vt.locator('#xc-sent').getByText('03 · Đã tiếp nhận').waitFor();
  assertNoErrors(vt);
});
