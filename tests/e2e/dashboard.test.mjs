// dashboard.test.mjs - the leader's dashboard updates itself every half
// minute; WCAG 2.2.2 asks that what updates by itself can be paused: a
// toggle stops the automatic updates (the page then asks nothing until it
// is asked), "update now" still works, and the toggle fits on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, DEMO, PHONE } from './lib/harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('automatic updates can be paused and resumed; "update now" still asks', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.wardLeader);
  let asked = 0;
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/dashboard') asked++; });
  await page.goto('/dieu-hanh?refresh=2');
  await page.getByRole('heading', { level: 1, name: 'Điều hành' }).waitFor();
  await page.waitForFunction(() => /Cập nhật lúc/.test(document.getElementById('db-updated').textContent));
  const toggle = page.getByRole('button', { name: 'Tạm dừng tự động cập nhật' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await page.waitForTimeout(2500);
  assert.ok(asked >= 2, `the page asked ${asked} times in 2.5 s with refresh=2`);

  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await page.waitForTimeout(300); // an update already on its way
  const paused = asked;
  await page.waitForTimeout(4500);
  assert.equal(asked, paused, 'nothing is asked while paused');
  await page.getByRole('button', { name: 'Cập nhật ngay' }).click();
  await page.waitForTimeout(500);
  assert.equal(asked, paused + 1, '"update now" asks once');

  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await page.waitForTimeout(2500);
  assert.ok(asked > paused + 1, 'updates resume');

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `/dieu-hanh is ${width}px wide on a 360px screen`);
  await assertAccessible(page, 'dashboard with its pause toggle');
  assertNoErrors(page);
});
