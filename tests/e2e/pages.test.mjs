// pages.test.mjs - the pages as people use them: every route of web/js/app.js
// on a 320 px and a 360 px phone, in both languages, signed in as the user
// it is for and with dossiers on it (nothing wider than the screen); the
// English of a dossier's steps, units and papers; what an anonymous visitor's
// console shows; the forms' error summary and hints; the counter clerk's
// look-up carried into the applicant; a catalogue search without letters;
// the dashboard's wording; where a leader lands; and one "viewed" line per
// official and step however often the page is reloaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, DEMO, waitForPath } from './lib/harness.mjs';
import { Client, maritalForm } from './lib/api.mjs';

let srv, browser;
const d = {}; // dossiers in the states the pages show: submitted, in_progress, returned

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  const citizen = await Client.login(srv.base, DEMO.citizen);
  const form = await maritalForm(citizen);
  const submit = () => citizen.ok('POST', '/api/v1/dossiers', { procedure_code: '1.004873', form });
  const clerk = await Client.login(srv.base, DEMO.wardClerk);
  const specialist = await Client.login(srv.base, DEMO.wardSpecialist);
  const leader = await Client.login(srv.base, DEMO.wardLeader);
  d.returned = await submit();
  await clerk.act(d.returned.code, 'receive');
  await specialist.act(d.returned.code, 'forward');
  await leader.act(d.returned.code, 'forward');
  await clerk.act(d.returned.code, 'return');
  d.in_progress = await submit();
  await clerk.act(d.in_progress.code, 'receive');
  d.submitted = await submit();
});
after(async () => { await browser?.close(); await srv?.stop(); });

// A phone of the given width (the harness's PHONE is 360 px).
const phone = (width) => ({ viewport: { width, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

// Every route of app.js, with who opens it.
function routes() {
  const track = (x) => `/tra-cuu?ma=${encodeURIComponent(x.code)}&s=${encodeURIComponent(x.secret)}`;
  const office = (x) => `/can-bo/ho-so/${encodeURIComponent(x.code)}`;
  const mine = (x) => `/ho-so-cua-toi/${encodeURIComponent(x.code)}`;
  return {
    anonymous: ['/', '/thu-tuc/1.004873', '/thu-tuc/1.001193', '/tra-cuu', track(d.submitted), track(d.in_progress),
      track(d.returned), '/dang-nhap', '/dang-ky', '/khong-co-trang-nay'],
    [DEMO.citizen]: ['/nop-ho-so/1.004873', '/ho-so-cua-toi', mine(d.submitted), mine(d.in_progress), mine(d.returned), '/kho-du-lieu'],
    [DEMO.wardClerk]: ['/can-bo', '/can-bo?queue=all', '/can-bo?queue=return', '/can-bo/tiep-nhan',
      office(d.submitted), office(d.in_progress), office(d.returned), '/quan-tri/lich-nghi'],
    [DEMO.wardSpecialist]: ['/can-bo', office(d.in_progress)],
    [DEMO.wardLeader]: ['/thong-ke', '/dieu-hanh', '/can-bo', office(d.returned)],
    [DEMO.admin]: ['/quan-tri/lich-nghi', '/quan-tri/dong-bo', '/quan-tri/chuyen-giao'],
  };
}

// What sticks out on the right of a `width` px screen: the document's width
// and the first elements past the edge (for the message).
async function overflow(page, width) {
  return page.evaluate((w) => {
    const out = [];
    for (const e of document.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 0.5) out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''} (${Math.round(r.right)})`);
    }
    return { width: document.documentElement.scrollWidth, past: out.slice(0, 5) };
  }, width);
}

test('every page fits a 320 px and a 360 px phone, in Vietnamese and in English', async () => {
  const bad = [];
  for (const [who, paths] of Object.entries(routes())) {
    // one sign-in per user; the width and the language change in place
    const page = await newPage(browser, srv, phone(360));
    if (who !== 'anonymous') await login(page, who); else await page.goto('/');
    for (const lang of ['vi', 'en']) {
      await page.evaluate((l) => localStorage.setItem('lang', l), lang);
      for (const path of paths) {
        // loaded once, measured at both widths (the layout follows the
        // viewport without a reload)
        await page.setViewportSize({ width: 360, height: 740 });
        await page.goto(path, { waitUntil: 'networkidle' });
        await page.locator('h1').first().waitFor();
        for (const width of [360, 320]) {
          await page.setViewportSize({ width, height: 740 });
          const o = await overflow(page, width);
          if (o.width > width) bad.push(`${lang} ${width}px ${who} ${path}: ${o.width}px wide; ${o.past.join(', ')}`);
        }
      }
    }
    assertNoErrors(page, [/404/]);
    await page.context().close();
  }
  assert.deepEqual(bad, []);
});

test('the tracking page on a phone: the status badge wraps, the code breaks', async () => {
  const page = await newPage(browser, srv, phone(320));
  await page.goto(`/tra-cuu?ma=${encodeURIComponent(d.submitted.code)}&s=${encodeURIComponent(d.submitted.secret)}`);
  const badge = page.locator('#status .badge');
  await badge.waitFor();
  assert.equal(await badge.textContent(), 'Đã nộp, chờ tiếp nhận');
  const box = await badge.boundingBox();
  assert.ok(box.x + box.width <= 320, `the badge ends at ${box.x + box.width}px`);
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 320);
  await assertAccessible(page, 'tracking on a phone');
  assertNoErrors(page);
});

test('in English: the steps, their units, the papers and the legal time; "1 copy", "2 copies"', async () => {
  const page = await newPage(browser, srv);
  await page.addInitScript(() => localStorage.setItem('lang', 'en'));
  // public tracking: the table's header and its rows
  await page.goto(`/tra-cuu?ma=${encodeURIComponent(d.in_progress.code)}&s=${encodeURIComponent(d.in_progress.secret)}`);
  await page.locator('#dossier table.steps').waitFor();
  const head = await page.locator('#dossier table.steps thead th').allTextContents();
  assert.deepEqual(head.slice(0, 3), ['Step', 'Task', 'Unit']);
  const rows = await page.locator('#dossier table.steps tbody tr').allInnerTexts();
  assert.match(rows[0], /Receive the dossier/);
  assert.match(rows[0], /People's Committee of Sai Gon Ward/);
  assert.doesNotMatch(rows.join('\n'), /Tiếp nhận|Thẩm định|Phê duyệt|Trả kết quả|UBND/);
  // a procedure's page: each paper's count as English says it
  await page.goto('/thu-tuc/1.004873');
  await page.locator('#papers li').first().waitFor();
  const papers = await page.locator('#papers').textContent();
  assert.match(papers, /\(Original, 1 copy\)/);
  assert.doesNotMatch(papers, /copy\(ies\)|1 copies/);
  assert.match(await page.locator('main').textContent(), /3 working days/);
  await page.goto('/thu-tuc/1.013225');
  await page.locator('#papers li').first().waitFor();
  assert.match(await page.locator('#papers').textContent(), /, 2 copies\)/);
  // the citizen's own dossier: its steps, units and papers
  await login(page, DEMO.citizen);
  await page.goto(`/ho-so-cua-toi/${encodeURIComponent(d.in_progress.code)}`);
  await page.locator('#timeline').waitFor();
  const timeline = await page.locator('#timeline').textContent();
  assert.match(timeline, /Step 1: Receive the dossier/);
  assert.match(timeline, /People's Committee of Sai Gon Ward/);
  assert.doesNotMatch(timeline, /Tiếp nhận|Thẩm định|UBND/);
  const docs = await page.locator('#documents .cz-papers').textContent();
  assert.match(docs, /Declaration for a certificate of marital status \(official form\) \(Electronic form, 1 copy\)/);
  assert.doesNotMatch(docs, /Tờ khai|copy\(ies\)/);
  await assertAccessible(page, 'a dossier in English');
  assertNoErrors(page);
  // an official's page: the field, the current step and the steps' table
  const office = await newPage(browser, srv);
  await office.addInitScript(() => localStorage.setItem('lang', 'en'));
  await login(office, DEMO.wardSpecialist);
  await office.goto(`/can-bo/ho-so/${encodeURIComponent(d.in_progress.code)}`);
  await office.locator('#steps tbody tr').first().waitFor();
  assert.match(await office.locator('.dossier-head .code').first().textContent(), /^1\.004873 · Civil status ·/);
  const steps = await office.locator('#steps tbody').innerText();
  assert.match(steps, /Appraise/);
  assert.doesNotMatch(steps, /Thẩm định|UBND/);
  assert.doesNotMatch(await office.locator('.dossier-head').innerText(), /Thẩm định|UBND/);
  assertNoErrors(office);
});

test('an anonymous visitor: no error in the console, no failed request, an icon', async () => {
  const page = await newPage(browser, srv);
  const failed = [];
  const logged = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`); });
  page.on('console', (m) => { if (m.type() === 'error') logged.push(m.text()); });
  const track = `/tra-cuu?ma=${encodeURIComponent(d.submitted.code)}&s=${encodeURIComponent(d.submitted.secret)}`;
  for (const path of ['/', '/thu-tuc/1.004873', '/tra-cuu', track, '/dang-nhap', '/dang-ky']) {
    await page.goto(path, { waitUntil: 'networkidle' });
    await page.locator('h1').first().waitFor();
  }
  assert.deepEqual(failed, []);
  assert.deepEqual(logged, []);
  // the icon the page names is there (a browser asks /favicon.ico otherwise)
  const icon = await page.locator('link[rel="icon"]').getAttribute('href');
  assert.ok(icon, 'no <link rel="icon">');
  const res = await page.request.get(icon);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^image\//);
  // signed in, the same probe knows who it is
  await login(page, DEMO.citizen);
  assert.ok(await page.locator('#logout').isVisible());
  assertNoErrors(page);
});

test('a leader lands on the dashboard, a clerk and a specialist on their work queues', async () => {
  for (const [who, path] of [[DEMO.wardLeader, '/dieu-hanh'], [DEMO.leader, '/dieu-hanh'], [DEMO.wardClerk, '/can-bo'],
    [DEMO.wardSpecialist, '/can-bo'], [DEMO.citizen, '/ho-so-cua-toi']]) {
    const page = await newPage(browser, srv);
    await login(page, who);
    await waitForPath(page, path);
    await page.locator('h1').first().waitFor();
    assertNoErrors(page);
    await page.context().close();
  }
});

test('the dashboard says what its figures count: the overdue ones among all those in progress', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardLeader);
  await page.goto('/dieu-hanh');
  const sub = page.locator('[data-kpi="overdue"] .sub');
  await sub.waitFor();
  const api = await page.evaluate(async () => (await fetch('/api/v1/dashboard')).json());
  assert.ok(api.in_progress.total >= 1);
  assert.equal(await sub.textContent(), `Tổng số hồ sơ đang giải quyết: ${api.in_progress.total}`);
  assert.doesNotMatch(await page.locator('main').textContent(), /Trên \d/);
  assertNoErrors(page);
});

test('a search without letters or digits finds nothing and says so', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/');
  const box = page.getByLabel('Tìm thủ tục hành chính');
  await box.fill('😀');
  await page.locator('#results li').first().waitFor();
  assert.equal(await page.locator('#results li a').count(), 0);
  assert.equal(await page.locator('#results').textContent(), 'Hãy nhập chữ hoặc số của tên hay mã thủ tục.');
  // the API agrees: nothing, not the whole catalogue
  const api = await page.evaluate(async () => (await fetch(`/api/v1/procedures?q=${encodeURIComponent('😀')}`)).json());
  assert.deepEqual(api.items, []);
  // a real word still finds
  await box.fill('khai sinh');
  await page.locator('#results li a').first().waitFor();
  assertNoErrors(page);
});

test('counter intake: nobody found, the name and ID typed once go into the procedure\'s form too', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardClerk);
  await page.goto('/can-bo/tiep-nhan');
  const applicant = page.getByRole('group', { name: 'Người nộp hồ sơ' });
  // the procedure first
  await page.getByLabel('Tìm thủ tục *').fill('xac nhan tinh trang hon nhan');
  await page.getByRole('button', { name: 'Cấp Giấy xác nhận tình trạng hôn nhân' }).click();
  const procForm = page.locator('.proc-form');
  await procForm.waitFor();
  // an ID number nobody has an account with
  const nobody = '079203008888';
  await applicant.getByLabel('Số định danh cá nhân *').fill(nobody);
  await page.getByRole('button', { name: 'Tra cứu' }).click();
  await page.getByText('Không có tài khoản công dân với số này').waitFor();
  await applicant.getByLabel('Họ, chữ đệm và tên *').fill('Trần Văn Mới');
  assert.equal(await procForm.getByLabel('Họ, chữ đệm và tên *').inputValue(), 'Trần Văn Mới');
  assert.equal(await procForm.getByLabel('Số định danh cá nhân *').inputValue(), nobody);
  // what the clerk then types in the procedure's form is the clerk's
  await procForm.getByLabel('Họ, chữ đệm và tên *').fill('Trần Văn Mới (con)');
  await applicant.getByLabel('Họ, chữ đệm và tên *').fill('Trần Văn Mới Hai');
  assert.equal(await procForm.getByLabel('Họ, chữ đệm và tên *').inputValue(), 'Trần Văn Mới (con)');
  assertNoErrors(page, [/404/]);
});

test('reloading an official\'s dossier page adds no "viewed" line after the first', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.wardSpecialist);
  const views = async () => {
    await page.goto(`/can-bo/ho-so/${encodeURIComponent(d.in_progress.code)}`);
    await page.locator('#events li').first().waitFor();
    return page.locator('#events li.ev-view').count();
  };
  const first = await views();
  assert.ok(first >= 1);
  for (let i = 0; i < 3; i++) assert.equal(await views(), first);
  assertNoErrors(page);
});
