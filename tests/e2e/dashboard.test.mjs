// dashboard.test.mjs - the leader's dashboard updates itself every half
// minute; WCAG 2.2.2 asks that what updates by itself can be paused: a
// toggle stops the automatic updates (the page then asks nothing until it
// is asked), "update now" still works, and the toggle fits on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, countFetches, fetches, fetchesReach, DEMO, PHONE } from './lib/harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('automatic updates can be paused and resumed; "update now" still asks', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.wardLeader);
  // the page's timers run on a clock the test moves: every wait below is
  // on a condition, and half a minute passes in no time
  await countFetches(page, '/api/v1/dashboard');
  await page.clock.install();
  await page.goto('/dieu-hanh');
  await page.getByRole('heading', { level: 1, name: 'Điều hành' }).waitFor();
  await page.waitForFunction(() => /Cập nhật lúc/.test(document.getElementById('db-updated').textContent));
  const toggle = page.getByRole('button', { name: 'Tạm dừng tự động cập nhật' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.equal(await fetches(page), 1);
  // a timer tick while an update is still on its way asks nothing (the page
  // skips it): each update is let finish before the clock moves on
  const figures = page.locator('#db-figures[aria-busy="false"]');
  await page.clock.runFor(30_000); // the default: every 30 s
  await fetchesReach(page, 2);
  await figures.waitFor();
  await page.clock.runFor(30_000);
  await fetchesReach(page, 3);
  await figures.waitFor();

  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  const paused = await fetches(page);
  await page.clock.runFor(5 * 60_000);
  assert.equal(await fetches(page), paused, 'nothing is asked while paused');
  await page.getByRole('button', { name: 'Cập nhật ngay' }).click();
  await fetchesReach(page, paused + 1);
  await figures.waitFor();
  assert.equal(await fetches(page), paused + 1, '"update now" asks once');

  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await page.clock.runFor(30_000);
  await fetchesReach(page, paused + 2);

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `/dieu-hanh is ${width}px wide on a 360px screen`);
  await assertAccessible(page, 'dashboard with its pause toggle');
  assertNoErrors(page);
});

test('every figure of lateness opens the list behind it', async () => {
  // a month of generated dossiers (some past their deadline) and documents
  const gen = await startServer({}, ['--dossiers', '600', '--documents', '400', '--days', '30', '--random-seed', '7']);
  try {
    const page = await newPage(browser, gen);
    await login(page, DEMO.leader);
    await page.goto('/dieu-hanh');
    const link = page.locator('#db-overdue-link');
    await link.waitFor();
    const shown = Number((await link.textContent()).replace(/\D/g, ''));
    assert.ok(shown > 0, 'the generated month has overdue dossiers');
    // each agency of the chart has its own link too
    const agencies = page.locator('#db-top-links a');
    assert.ok(await agencies.count() > 0);
    assert.match(await agencies.first().textContent(), /xem \d+ hồ sơ quá hạn/);
    // the official documents' figures of the month, as the API counts them
    const docs = page.locator('#db-docs');
    await docs.waitFor();
    const f = await page.evaluate(async () => (await fetch('/api/v1/dashboard/documents')).json());
    const figure = async (k) => Number((await docs.locator(`[data-kpi="${k}"] .v`).textContent()).replace(/\D/g, ''));
    assert.equal(await figure('doc_received'), f.received);
    assert.equal(await figure('doc_issued'), f.issued);
    assert.equal(await figure('doc_overdue'), f.overdue_directions);
    assert.ok(f.overdue_directions > 0 ? await docs.locator('svg, table').count() > 0 : await page.locator('#db-doc-no-overdue').isVisible());
    await assertAccessible(page, 'dashboard with links');
    await link.click();
    await page.locator('#queue-scope').waitFor();
    assert.match(new URL(page.url()).search, /late=deadline/);
    await page.locator('#queue-table tbody tr').first().waitFor();
    const rows = page.locator('#queue-table tbody tr');
    const n = await rows.count();
    assert.equal(n, Math.min(shown, 50));
    for (let k = 0; k < n; k++) {
      assert.equal((await rows.nth(k).locator('td[data-label="Trạng thái"]').textContent()).trim(), 'Đang giải quyết');
      assert.match(await rows.nth(k).locator('.due-word').textContent(), /Quá hạn/);
    }
    // an agency's bar: only that agency's
    await page.goBack();
    const first = page.locator('#db-top-links a').first();
    await first.waitFor();
    const want = Number((await first.textContent()).match(/xem (\d+)/)[1]);
    await first.click();
    await page.locator('#scope-agency').waitFor();
    await page.locator('#queue-table tbody tr').first().waitFor();
    assert.equal(await page.locator('#queue-table tbody tr').count(), Math.min(want, 50));
    assertNoErrors(page);
  } finally {
    await gen.stop();
  }
});
