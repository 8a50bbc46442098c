// public.test.mjs - the public pages in a real browser: search as you type
// without diacritics, a procedure's page, public tracking of an unknown
// code, the English switch, a phone-sized screen, accessibility (axe-core)
// and page weight.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, assertAccessible, assertNoErrors, pageWeight, PHONE, waitForPath, login, DEMO } from './lib/harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('search ignores diacritics and case, answers as you type', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/');
  await page.getByLabel('Tìm thủ tục hành chính').fill('XAC NHAN tinh trang hon nhan');
  const first = page.locator('#results li a').first();
  await assert.doesNotReject(first.waitFor());
  await page.waitForFunction(() => document.querySelectorAll('#results li').length === 1);
  assert.equal(await first.textContent(), 'Cấp Giấy xác nhận tình trạng hôn nhân');
  await assertAccessible(page, 'home');
  await first.click();
  await waitForPath(page, '/thu-tuc/1.004873');
  await page.getByRole('heading', { level: 1, name: 'Cấp Giấy xác nhận tình trạng hôn nhân' }).waitFor();
  assert.ok(await page.getByText('Căn cứ pháp lý').isVisible());
  assert.ok(await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).isVisible());
  await assertAccessible(page, 'procedure page');
  assertNoErrors(page);
});

test('the catalogue as the public reads it: a rate not published is not "free", a repealed procedure, the legal basis and its date', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/thu-tuc/1.004873');
  await page.getByRole('heading', { level: 1, name: 'Cấp Giấy xác nhận tình trạng hôn nhân' }).waitFor();
  const fees = await page.locator('#fees').textContent();
  assert.match(fees, /Mức thu chưa được công bố/);
  assert.doesNotMatch(fees, /Miễn phí|CHƯA XÁC MINH/);
  assert.match(await page.locator('#unpayable').textContent(), /chưa thể nộp phí trực tuyến/);
  assert.ok((await page.locator('#legal-basis li').count()) > 0);
  assert.match(await page.locator('#verified-on').textContent(), /^Thông tin được đối chiếu lần gần nhất ngày \d\d\/\d\d\/20\d\d\.$/);
  const body = await page.locator('main').textContent();
  assert.doesNotMatch(body, /CHƯA XÁC MINH|UNVERIFIED|motcua|demo/);
  // a procedure that still shows a verified free fee says so
  await page.goto('/thu-tuc/1.001193');
  await page.locator('#fees').waitFor();
  assert.match(await page.locator('#fees').textContent(), /Miễn phí/);
  assert.equal(await page.locator('#unpayable').count(), 0);

  // repealed: no way to apply, and where to go instead
  await page.goto('/thu-tuc/2.000986');
  await page.locator('#repealed').waitFor();
  assert.match(await page.locator('#repealed').textContent(), /đã bị bãi bỏ/);
  assert.equal(await page.locator('#apply').count(), 0);
  await page.locator('#repealed').getByRole('link', { name: '3.000722' }).click();
  await waitForPath(page, '/thu-tuc/3.000722');
  await page.locator('#apply').waitFor();
  await assertAccessible(page, 'the successor procedure');
  await login(page, DEMO.citizen);
  await page.goto('/nop-ho-so/2.000986');
  await page.locator('#repealed').waitFor();
  assert.equal(await page.locator('form').count(), 0);
  assertNoErrors(page);
});

// A page still loading when the user goes elsewhere must not draw itself
// over the page the user went to (seen once in CI: "Đăng ký" was clicked
// while the home page's module was still on its way; the sign-up module
// came first and the home page then replaced the sign-up form).
test('a page that loads late does not draw over the page opened after it', async () => {
  const page = await newPage(browser, srv);
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/js/pages/public.js', async (r) => { await held; await r.continue(); });
  await page.goto('/');
  await page.getByRole('link', { name: 'Đăng ký', exact: true }).click();
  await page.getByLabel('Số định danh cá nhân (CCCD) *').waitFor();
  // the home page's code has run when it asks for its popular procedures
  const ran = page.waitForRequest((r) => r.url().includes('/api/v1/procedures?limit=100'));
  release();
  await ran;
  assert.equal(await page.getByLabel('Tìm thủ tục hành chính').count(), 0, 'the home page drew over the sign-up form');
  assert.ok(await page.getByLabel('Số định danh cá nhân (CCCD) *').isVisible());
  assertNoErrors(page);
});

test('tracking an unknown code says so, without a console error', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/tra-cuu?ma=KHONGCO&s=123456');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /Không tìm thấy hồ sơ/);
  await assertAccessible(page, 'tracking');
  assertNoErrors(page, [/404/]);
});

test('the English switch translates the page and is remembered', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/thu-tuc/1.001193');
  await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Birth registration' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok(await page.getByText('Legal basis').isVisible());
  // the catalogue's own texts too: paper names, their conditions, the deadline's and the fees' notes
  const proxy = page.locator('#papers li', { hasText: 'Power of attorney' });
  assert.match(await proxy.textContent(), /— If someone is authorised to carry out the procedure$/);
  assert.ok(await page.locator('#papers li', { hasText: 'Birth registration declaration (official form)' }).isVisible());
  assert.doesNotMatch(await page.locator('#papers').textContent(), /Tờ khai|Trường hợp|ủy quyền/);
  assert.match(await page.locator('#time-note').textContent(), /^Settled on the day of receipt;/);
  // the legal time as the law words it, not "8 working hours"
  assert.match(await page.locator('main').textContent(), /Same working day \(received after 15:00: the next working day\)/);
  assert.doesNotMatch(await page.locator('main').textContent(), /working hours|motcua convention/);
  assert.match(await page.locator('#fees').textContent(), /Law on Civil Status, Art\. 11/);
  assert.doesNotMatch(await page.locator('#fees').textContent(), /Miễn lệ phí/);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Birth registration' }).waitFor();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
  assert.match(await page.locator('#papers li', { hasText: 'Văn bản ủy quyền' }).textContent(), /— Trường hợp ủy quyền thực hiện thủ tục$/);
  assert.match(await page.locator('#time-note').textContent(), /^Giải quyết ngay trong ngày tiếp nhận;/);
  assert.match(await page.locator('main').textContent(), /Trả kết quả trong ngày \(nhận sau 15 giờ: ngày làm việc tiếp theo\)/);
  assert.doesNotMatch(await page.locator('main').textContent(), /giờ làm việc|quy ước của motcua/);
  assertNoErrors(page);
});

test('a phone screen: nothing wider than 360 px', async () => {
  const page = await newPage(browser, srv, PHONE);
  for (const path of ['/', '/thu-tuc/1.004873', '/dang-nhap']) {
    await page.goto(path, { waitUntil: 'networkidle' });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${path} is ${width}px wide on a 360px screen`);
  }
  assertNoErrors(page);
});

test('a main page transfers less than 200 KB', async () => {
  const page = await newPage(browser, srv);
  for (const path of ['/', '/thu-tuc/1.004873']) {
    const bytes = await pageWeight(page, path);
    assert.ok(bytes < 200 * 1024, `${path} transferred ${bytes} bytes`);
    assert.ok(bytes > 5 * 1024, `${path} transferred only ${bytes} bytes: the measure is wrong`);
  }
});
