// snapshots.test.mjs - the trends of the leader's dashboard on a phone,
// from the hourly snapshots (`motcua snapshot --at` taken for the last few
// hours over generated dossiers): the day's and the week's charts are
// drawn with the figures the series API answers, the page stays 360 px
// wide and axe-clean, and a figure opens the list behind it (the dossiers
// received today: the office's list filtered to the day).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, DEMO, PHONE } from './lib/harness.mjs';

let srv, browser;
before(async () => {
  srv = await startServer({}, ['--dossiers', '400', '--documents', '100', '--days', '10', '--random-seed', '5']);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('the phone dashboard shows the trends; a figure opens its list', async () => {
  const hour = 3600_000;
  const last = Math.floor(Date.now() / hour) * hour;
  for (let k = 3; k >= 0; k--) {
    const out = srv.cli(['snapshot', '--at', new Date(last - k * hour).toISOString()]);
    assert.match(out, /snapshot of the hour ending .*: \d+ rows/);
  }
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.leader);
  await page.goto('/dieu-hanh');
  await page.getByRole('heading', { level: 2, name: 'Xu hướng' }).waitFor();
  const day = page.locator('#db-trend-overdue-day svg[role="img"]');
  await day.waitFor();
  assert.equal(await day.getAttribute('aria-label'), 'Hồ sơ quá hạn');
  // the chart's columns are the API's points (a column per point with a value)
  const s = await page.evaluate(async () => (await fetch('/api/v1/dashboard/series?metric=overdue_dossiers&view=day')).json());
  assert.equal(s.points.length, 4);
  const drawn = await page.locator('#db-trend-overdue-day svg rect.sxc-bar').count();
  assert.equal(drawn, s.points.filter((p) => p.value > 0).length);
  const cells = await page.locator('#db-trend-overdue-day table tbody td').allTextContents();
  assert.deepEqual(cells.map((c) => Number(c.replace(/\D/g, ''))), s.points.map((p) => p.value));
  await page.locator('#db-trend-rate-week svg, #db-trend-rate-week .notice').first().waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `/dieu-hanh is ${width}px wide on a 360px screen`);
  await assertAccessible(page, 'dashboard with its trends');
  // the figure of today's received dossiers opens the list of the day
  const link = page.locator('#db-received-link');
  const today = await page.evaluate(async () => (await fetch('/api/v1/dashboard')).json());
  await link.click();
  // the list, or its empty notice: a little after midnight in Vietnam,
  // nobody has filed anything yet today
  await page.locator('#queue-table:visible, #queue-empty:visible').first().waitFor();
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('from'), today.day);
  assert.equal(q.get('to'), today.day);
  assertNoErrors(page);
});
