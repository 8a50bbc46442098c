// stats.test.mjs - statistics (/thong-ke) and the leader's dashboard
// (/dieu-hanh) in a real browser: a dossier taken through the API from
// submission to return is counted by the ward chairman's statistics page
// (figures, chart, table, by procedure, the period and grouping kept in the
// address across a reload, a wrong period refused next to its field, the
// Excel export); the dashboard on a phone shows today's figures as the API
// gives them, fits 360 px, brings itself up to date and stops when left;
// citizens and clerks are refused; axe-core on both pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, pageWeight, countFetches, fetches, DEMO, PASSWORD, PHONE, waitForPath } from './lib/harness.mjs';

const WARD = 'UBND Phường Sài Gòn';
const PROC = 'Cấp Giấy xác nhận tình trạng hôn nhân';
const FORM = {
  full_name: 'Nguyễn Văn An', id_number: '079203001234', birth_date: '2003-05-14',
  residence_unit: '26740', marital_status: 'single', purpose: 'Kết hôn',
};
// Today in Vietnam; the server's clock is put at 09:00 of it, so that
// everything the test does falls on the same day whenever it runs.
const TODAY = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
const MONTH_START = `${TODAY.slice(0, 8)}01`;
const YEAR_START = `${TODAY.slice(0, 4)}-01-01`;
// yyyy-mm-dd as typed and shown on the page: dd/mm/yyyy
const vn = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

let srv, browser;
before(async () => {
  srv = await startServer({ MOTCUA_TEST_NOW: `${TODAY}T09:00:00+07:00` });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); });

// ---- the API from node, for what the test is not about ----
const tokens = new Map();
async function token(user) {
  if (tokens.has(user)) return tokens.get(user);
  const r = await fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: PASSWORD, token: true }),
  });
  assert.equal(r.status, 200, `login ${user}`);
  const tok = (await r.json()).token;
  tokens.set(user, tok);
  return tok;
}
async function call(user, method, path, body, headers = {}) {
  const r = await fetch(`${srv.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await token(user)}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, etag: r.headers.get('ETag'), body: await r.json().catch(() => null) };
}
async function act(user, code, action) {
  const d = await call(user, 'GET', `/api/v1/dossiers/${code}`);
  assert.equal(d.status, 200);
  const r = await call(user, 'POST', `/api/v1/dossiers/${code}/actions/${action}`, {}, { 'If-Match': d.etag });
  assert.equal(r.status, 200, `${action} ${code}: ${JSON.stringify(r.body)}`);
  return r.body;
}
// The citizen submits 1.004873 online; the ward's clerk receives it.
async function submitAndReceive() {
  const r = await call(DEMO.citizen, 'POST', '/api/v1/dossiers', { procedure_code: '1.004873', form: FORM });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.competent_agency.name, WARD);
  await act(DEMO.wardClerk, r.body.code, 'receive');
  return r.body.code;
}

const kpi = (page, key) => page.locator(`[data-kpi="${key}"] .v`);

test('the ward chairman sees a returned dossier counted: figures, chart, table, export', async () => {
  const code = await submitAndReceive();
  await act(DEMO.wardSpecialist, code, 'forward');
  const done = await act(DEMO.wardLeader, code, 'forward');
  assert.equal(done.status, 'result_ready');
  assert.notEqual(done.result_status, 'late');
  assert.equal((await act(DEMO.wardClerk, code, 'return')).status, 'returned');

  const page = await newPage(browser, srv);
  await login(page, DEMO.wardLeader);
  // the chairman lands on the dashboard, which links to the statistics too: the menu's link
  await page.getByRole('navigation').getByRole('link', { name: 'Thống kê' }).click();
  await waitForPath(page, '/thong-ke');
  await page.getByRole('heading', { level: 1, name: 'Thống kê tình hình giải quyết hồ sơ' }).waitFor();
  // the default period is this month, for the chairman's ward
  await page.locator('#sx-kpis').waitFor();
  assert.equal(await page.getByLabel('Từ ngày').inputValue(), vn(MONTH_START));
  assert.equal(await page.getByLabel('Đến ngày').inputValue(), vn(TODAY));
  assert.equal(await page.getByRole('button', { name: 'Tháng này' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByLabel(/^Cơ quan, đơn vị \(/).locator('option:checked').textContent(), WARD);
  assert.ok(await page.getByLabel('Cơ quan, đơn vị', { exact: true }).isChecked());

  // the figures: received 1, resolved 1, not late, 100 % on time - as the API says
  assert.equal(await kpi(page, 'received').textContent(), '1');
  assert.equal(await kpi(page, 'resolved').textContent(), '1');
  assert.equal(await kpi(page, 'late').textContent(), '0');
  assert.equal(Number(await kpi(page, 'early').textContent()) + Number(await kpi(page, 'on_time').textContent()), 1);
  assert.equal(await kpi(page, 'rate').textContent(), '100 %');
  const api = await page.evaluate(async (q) => (await fetch(`/api/v1/stats?${q}`)).json(),
    `from=${MONTH_START}&to=${TODAY}&group=agency`);
  assert.equal(api.total.received, 1);
  assert.equal(api.total.resolved, 1);
  assert.equal(api.total.on_time_rate, 1);

  // the chart: an SVG image whose bar is labelled with the ward, full length
  const chart = page.getByRole('img', { name: 'Tỉ lệ giải quyết đúng hạn theo cơ quan, đơn vị' });
  await chart.waitFor();
  assert.equal(await chart.evaluate((e) => e.tagName.toLowerCase()), 'svg');
  assert.ok((await chart.locator('desc').textContent()).length > 20, 'the chart has a description');
  assert.deepEqual(await chart.locator('.sxc-label').allTextContents(), [WARD]);
  assert.equal(await chart.locator('rect.sxc-bar').getAttribute('width'), '80.00%'); // the whole track: 100 %
  assert.equal(await chart.locator('.sxc-value').textContent(), '100 %');
  const mix = page.getByRole('img', { name: 'Kết quả giải quyết theo cơ quan, đơn vị' });
  assert.equal(await mix.locator('rect.sxc-late').count(), 0);
  assert.equal(await mix.locator('rect.sxc-early, rect.sxc-on_time').count(), 1);

  // the table, with a total row
  const row = page.getByRole('table').getByRole('row', { name: new RegExp(`^${WARD}`) });
  assert.deepEqual((await row.getByRole('cell').allTextContents()).slice(0, 2), ['1', '1']);
  assert.match(await page.getByRole('table').locator('tfoot').textContent(), /Tổng cộng.*100 %/);
  await assertAccessible(page, 'statistics by agency');

  // the export: the same parameters as the page, an xlsx workbook
  const link = page.getByRole('link', { name: 'Xuất Excel' });
  const href = new URL(await link.getAttribute('href'), srv.base);
  assert.equal(href.pathname, '/api/v1/stats.xlsx');
  assert.equal(href.searchParams.get('from'), MONTH_START);
  assert.equal(href.searchParams.get('to'), TODAY);
  assert.equal(href.searchParams.get('group'), 'agency');
  assert.equal(href.searchParams.get('agency_id'), String(api.agency_id));
  const got = await page.evaluate(async (u) => {
    const r = await fetch(u);
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('Content-Type'), magic: String.fromCharCode(b[0], b[1]), size: b.length };
  }, href.pathname + href.search);
  assert.equal(got.status, 200);
  assert.equal(got.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(got.magic, 'PK');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  assert.equal(readFileSync(await download.path()).subarray(0, 2).toString('latin1'), 'PK');

  // by procedure: the address keeps the choice, a reload shows the same
  await page.getByLabel('Thủ tục', { exact: true }).check();
  await page.getByRole('button', { name: 'Xem thống kê' }).click();
  await page.waitForURL(/group=procedure/);
  await page.getByRole('table').getByRole('row', { name: new RegExp(`^${PROC}`) }).waitFor();
  assert.match(await page.getByRole('link', { name: 'Xuất Excel' }).getAttribute('href'), /group=procedure/);
  await page.reload();
  await page.getByRole('table').getByRole('row', { name: new RegExp(`^${PROC}`) }).waitFor();
  assert.ok(await page.getByLabel('Thủ tục', { exact: true }).isChecked());
  assert.equal(await kpi(page, 'received').textContent(), '1');
  assert.equal(await page.getByRole('img', { name: 'Tỉ lệ giải quyết đúng hạn theo thủ tục' }).locator('.sxc-label').textContent(), PROC);

  // a quick pick: this year
  await page.getByRole('button', { name: 'Năm nay' }).click();
  await page.waitForURL(new RegExp(`from=${YEAR_START}`));
  assert.equal(await page.getByLabel('Từ ngày').inputValue(), vn(YEAR_START));
  assert.equal(await page.getByRole('button', { name: 'Năm nay' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await kpi(page, 'received').textContent(), '1');

  // an end before the start: refused next to the field, nothing lost
  const url = page.url();
  const lastYearEnd = `31/12/${Number(TODAY.slice(0, 4)) - 1}`;
  await page.getByLabel('Đến ngày').fill(lastYearEnd);
  await page.getByLabel('Từ ngày').fill(vn(TODAY));
  await page.getByRole('button', { name: 'Xem thống kê' }).click();
  const to = page.getByLabel('Đến ngày');
  const from = page.getByLabel('Từ ngày');
  assert.equal(await to.getAttribute('aria-invalid'), 'true');
  const errOf = async (input) => page.locator(`[id="${(await input.getAttribute('aria-describedby')).split(' ').pop()}"]`).textContent();
  assert.match(await errOf(to), /Ngày kết thúc phải sau hoặc trùng ngày bắt đầu/);
  assert.equal(page.url(), url);
  assert.equal(await from.inputValue(), vn(TODAY));

  // a day that does not exist: refused next to its field, nothing else lost
  await from.fill('31/02/2027');
  await to.fill(vn(TODAY));
  await page.getByRole('button', { name: 'Xem thống kê' }).click();
  assert.equal(await from.getAttribute('aria-invalid'), 'true');
  assert.equal(await to.getAttribute('aria-invalid'), null);
  assert.match(await errOf(from), /^Ngày không hợp lệ \(ngày\/tháng\/năm\)$/);
  assert.equal(page.url(), url);
  assert.equal(await from.inputValue(), '31/02/2027');
  assert.equal(await to.inputValue(), vn(TODAY));
  assert.ok(await page.getByLabel('Thủ tục', { exact: true }).isChecked());
  assert.equal(await kpi(page, 'received').textContent(), '1');

  // and in English
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dossier statistics' }).waitFor();
  await page.getByRole('link', { name: 'Export to Excel' }).waitFor();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { level: 1, name: 'Thống kê tình hình giải quyết hồ sơ' }).waitFor();
  assertNoErrors(page);

  // a main page: less than 200 KB
  const bytes = await pageWeight(page, '/thong-ke');
  assert.ok(bytes < 200 * 1024 && bytes > 5 * 1024, `/thong-ke transferred ${bytes} bytes`);
});

test('the dashboard on a phone: today as the API says, no sideways scroll, updates by itself', async () => {
  const page = await newPage(browser, srv, PHONE);
  await login(page, DEMO.wardLeader);
  await countFetches(page, '/api/v1/dashboard');
  await page.clock.install(); // the page's timers run when the test says
  await page.goto('/dieu-hanh');
  await page.getByRole('heading', { level: 1, name: 'Điều hành' }).waitFor();
  const updated = page.locator('#db-updated');
  await page.waitForFunction(() => /Cập nhật lúc \d\d:\d\d$/.test(document.getElementById('db-updated').textContent));
  assert.equal(await updated.getAttribute('aria-live'), 'polite');

  const api = await page.evaluate(async () => (await fetch('/api/v1/dashboard')).json());
  assert.equal(api.day, TODAY);
  assert.equal(await kpi(page, 'received').textContent(), String(api.today.received));
  assert.equal(await kpi(page, 'resolved').textContent(), String(api.today.resolved));
  assert.equal(await kpi(page, 'overdue').textContent(), String(api.in_progress.past_deadline));
  // the first test's dossier: received, resolved today, nothing overdue
  assert.equal(api.today.received, 1);
  assert.equal(api.today.resolved, 1);
  assert.equal(api.in_progress.past_deadline, 0);
  assert.equal(await kpi(page, 'rate').textContent(), '100 %');
  await page.getByText('Không có hồ sơ nào đang quá hạn.').waitFor();
  const mix = page.getByRole('img', { name: 'Kết quả giải quyết' });
  assert.deepEqual(await mix.locator('.sxc-label').allTextContents(), ['Hôm nay', 'Từ đầu tháng']);

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `/dieu-hanh is ${width}px wide on a 360px screen`);
  await assertAccessible(page, 'dashboard on a phone');

  // a new dossier arrives: half a minute later the page shows it, without
  // being reloaded
  const before = await fetches(page);
  await submitAndReceive();
  await page.clock.runFor(30_000);
  await page.waitForFunction(() => document.querySelector('[data-kpi="received"] .v').textContent === '2');
  assert.ok(await fetches(page) > before, 'asked the server again by itself');
  assert.equal(await kpi(page, 'resolved').textContent(), '1');
  assert.match(await updated.textContent(), /^Cập nhật lúc \d\d:\d\d$/);

  // leaving the page stops the timer
  await page.getByRole('link', { name: 'Xem thống kê chi tiết' }).click();
  await waitForPath(page, '/thong-ke');
  await page.locator('#sx-kpis').waitFor();
  const left = await fetches(page);
  await page.clock.runFor(5 * 60_000);
  assert.equal(await fetches(page), left, 'no request after leaving the dashboard');
  assertNoErrors(page);
});

test('the dashboard on a desktop: accessible, and the city leader sees the ward among all', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.leader);
  await page.goto('/dieu-hanh');
  await page.locator('[data-kpi="received"]').waitFor();
  const api = await page.evaluate(async () => (await fetch('/api/v1/dashboard')).json());
  assert.equal(await kpi(page, 'received').textContent(), String(api.today.received));
  assert.ok(api.today.received >= 2);
  await assertAccessible(page, 'dashboard');
  assertNoErrors(page);
});

test('a citizen and a clerk are refused; nobody signed in is asked to log in', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/thong-ke');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /Vui lòng đăng nhập/);
  assert.match(await page.getByRole('alert').getByRole('link', { name: 'Đăng nhập' }).getAttribute('href'), /^\/dang-nhap\?next=%2Fthong-ke/);

  await login(page, DEMO.citizen);
  assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Thống kê' }).count(), 0);
  for (const path of ['/thong-ke', '/dieu-hanh']) {
    await page.goto(path);
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').textContent(), /Bạn không có quyền xem thống kê/);
    assert.equal(await page.locator('#sx-kpis, #db-figures').count(), 0);
  }
  await assertAccessible(page, 'statistics refused');
  assertNoErrors(page);

  const clerk = await newPage(browser, srv, PHONE);
  await login(clerk, DEMO.wardClerk);
  await clerk.goto('/thong-ke');
  await clerk.getByRole('alert').waitFor();
  assert.match(await clerk.getByRole('alert').textContent(), /Bạn không có quyền xem thống kê/);
  assertNoErrors(clerk);
});
