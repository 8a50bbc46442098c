// directives.test.mjs - directive tracking in the browser, on a phone: the
// chairman's directive (recorded over the API a month ago) gives the
// Department of Justice a task already overdue and the Department of
// Construction one due later; the Department's specialist finds the task
// among their agency's overdue ones, is told what is missing when asking
// for an extension without a date, then asks for it; the chairman finds
// the directive among the extensions to decide, with the share done on
// time, opens it and approves the extension; the specialist reports
// progress and finishes the task, on time against the new deadline.  The
// City office records a directive on a phone.  axe-core on every page;
// nothing wider than a 360 px phone (the leader's list: 320 px).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, PASSWORD, PHONE } from './lib/harness.mjs';

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function narrow(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${page.url()} is ${width}px wide on a 360px screen`);
}

// Vietnam's day, days from today: yyyy-mm-dd.
function vnDay(days) {
  const d = new Date(Date.now() + 7 * 3600000 + days * 86400000);
  return d.toISOString().slice(0, 10);
}
const dmy = (iso) => iso.split('-').reverse().join('/');

async function token(username) {
  const r = await fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, token: true }),
  });
  return { Authorization: `Bearer ${(await r.json()).token}` };
}

async function agencyId(auth, code) {
  const r = await fetch(`${srv.base}/api/v1/agencies`, { headers: auth });
  const list = await r.json();
  const items = Array.isArray(list) ? list : list.items;
  return items.find((a) => a.code === code).id;
}

test('a task overdue, its extension asked on a phone and approved by the chairman, then finished on time', async () => {
  const CONTENT = 'Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch';
  const auth = await token('chutich');
  const stp = await agencyId(auth, '000.00.02.H29'), sxd = await agencyId(auth, '000.00.03.H29');
  const created = await fetch(`${srv.base}/api/v1/directives`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      source_kind: 'meeting', content: CONTENT, given_on: vnDay(-30),
      tasks: [{ agency_id: stp, deadline: vnDay(-5), content: 'Báo cáo kết quả rà soát' }, { agency_id: sxd, deadline: vnDay(10) }],
    }),
  });
  assert.equal(created.status, 201);
  const directive = await created.json();
  const task = directive.tasks[0].id;

  // ---- the Department's specialist, on a phone: the overdue task ----
  const cv = await newPage(browser, srv, PHONE);
  await login(cv, 'chuyenvien.stp');
  await cv.goto('/can-bo/chi-dao/nhiem-vu?state=overdue');
  await cv.getByRole('heading', { level: 1, name: 'Nhiệm vụ được giao' }).waitFor();
  const card = cv.locator('#dt-list .doc-card').filter({ hasText: 'Báo cáo kết quả rà soát' });
  await card.getByText('Quá hạn').waitFor();
  await assertAccessible(cv, 'the agency\'s tasks');
  await narrow(cv);
  await card.getByRole('link').click();
  await cv.getByRole('heading', { level: 1, name: 'Ý kiến chỉ đạo' }).waitFor();
  const mine = cv.locator(`#task-${task}`);
  await mine.getByText('Quá hạn').waitFor();
  assert.equal(await cv.locator('#dr-tasks > li').count(), 1, 'the Department sees its own task only');
  await mine.getByText('Xin gia hạn').first().click();
  await mine.getByRole('button', { name: 'Xin gia hạn' }).click();
  await mine.getByText('Trường này là bắt buộc').first().waitFor();
  await mine.getByLabel('Hạn mới (dd/mm/yyyy) *').fill(dmy(vnDay(20)));
  await mine.getByLabel('Lý do *').fill('Chờ ý kiến của Bộ Tư pháp');
  await mine.getByRole('button', { name: 'Xin gia hạn' }).click();
  await cv.getByText('Đã gửi đề nghị gia hạn.').waitFor();
  await cv.locator(`#ext-${task}`).getByText(`Đang xin gia hạn đến ${dmy(vnDay(20))}`).waitFor();
  await assertAccessible(cv, 'a directive, the extension asked');
  await narrow(cv);
  assertNoErrors(cv);

  // ---- the chairman, on a phone: his list, the directive, the approval ----
  const ct = await newPage(browser, srv, PHONE);
  await login(ct, 'chutich');
  await ct.goto('/can-bo/chi-dao');
  await ct.getByRole('heading', { level: 1, name: 'Theo dõi chỉ đạo điều hành' }).waitFor();
  await ct.locator('#dr-tabs').getByRole('link', { name: 'Chờ duyệt gia hạn' }).click();
  await ct.locator('#dr-tabs [aria-current="page"]').getByText('Chờ duyệt gia hạn').waitFor();
  const dcard = ct.locator('#dr-list .doc-card').filter({ hasText: CONTENT });
  await dcard.getByText('2 nhiệm vụ: 2 đang thực hiện, 1 quá hạn, 0 đúng hạn, 0 trễ hạn').waitFor();
  await ct.locator('#dr-on-time').getByRole('heading', { name: /Tỷ lệ hoàn thành đúng hạn năm/ }).waitFor();
  await ct.locator('#dr-on-time').getByText('Sở Tư pháp').waitFor();
  // by agency: the Department of Health has no extension waiting, the Department of Justice has
  await ct.getByLabel('Cơ quan thực hiện').selectOption({ label: 'Sở Y tế' });
  await ct.locator('#dr-none').waitFor();
  await ct.getByLabel('Cơ quan thực hiện').selectOption({ label: 'Sở Tư pháp' });
  await ct.locator('#dr-list .doc-card').filter({ hasText: CONTENT }).waitFor();
  await assertAccessible(ct, 'the leader\'s list');
  await narrow(ct);
  await ct.setViewportSize({ width: 320, height: 740 });
  assert.ok((await ct.evaluate(() => document.documentElement.scrollWidth)) <= 320, 'the list on a 320 px phone');
  await ct.setViewportSize({ width: 360, height: 740 });
  await dcard.getByRole('link').click();
  await ct.getByRole('heading', { level: 1, name: 'Ý kiến chỉ đạo' }).waitFor();
  assert.equal(await ct.locator('#dr-tasks > li').count(), 2);
  const his = ct.locator(`#task-${task}`);
  await his.getByText('Đồng ý gia hạn').first().click();
  await assertAccessible(ct, 'a directive, the leader deciding');
  await narrow(ct);
  await his.getByRole('button', { name: 'Đồng ý gia hạn' }).click();
  await ct.getByText('Đã đồng ý gia hạn: hạn mới đã áp dụng.').waitFor();
  await ct.locator(`#task-${task}`).getByText(`Hạn ${dmy(vnDay(20))} · hạn ban đầu ${dmy(vnDay(-5))}`).waitFor();
  await ct.locator('#dr-trail').getByText('Đồng ý gia hạn').waitFor();
  assertNoErrors(ct);

  // ---- the specialist: progress, then completion, on time ----
  await cv.goto(`/can-bo/chi-dao/${directive.id}`);
  await mine.getByText('Báo cáo tiến độ').first().click();
  await mine.getByLabel('Nội dung báo cáo *').fill('Đã rà soát 12 thủ tục');
  await mine.getByLabel('Tỷ lệ hoàn thành (%)').fill('60');
  await mine.getByRole('button', { name: 'Báo cáo tiến độ' }).click();
  await cv.getByText('Đã gửi báo cáo tiến độ.').waitFor();
  await cv.locator(`#task-${task}`).getByText('đạt 60%', { exact: false }).waitFor();
  await cv.locator(`#task-${task}`).getByText('Báo cáo hoàn thành').first().click();
  await cv.locator(`#task-${task}`).getByLabel('Kết quả thực hiện *').fill('Đã trình UBND Thành phố phương án đơn giản hóa');
  await cv.locator(`#task-${task}`).getByRole('button', { name: 'Báo cáo hoàn thành' }).click();
  await cv.getByText('Đã báo cáo hoàn thành nhiệm vụ.').waitFor();
  await cv.locator(`#task-${task}`).getByText('Hoàn thành đúng hạn').waitFor();
  await assertAccessible(cv, 'a directive, its task finished');
  await narrow(cv);
  assertNoErrors(cv);
});

test('the City office records the chairman\'s directive on a phone, its fields checked first', async () => {
  const vp = await newPage(browser, srv, PHONE);
  await login(vp, 'vanthu.vp');
  await vp.goto('/can-bo/chi-dao');
  await vp.getByRole('heading', { level: 1, name: 'Theo dõi chỉ đạo điều hành' }).waitFor();
  await vp.locator('#dr-new').click();
  await vp.getByRole('heading', { level: 1, name: 'Ghi nhận ý kiến chỉ đạo' }).waitFor();
  await vp.getByLabel('Người chỉ đạo *').selectOption({ label: 'Trần Quốc Thịnh · Chủ tịch UBND Thành phố' });
  await vp.getByLabel('Cơ quan thực hiện nhiệm vụ 1 *').selectOption({ label: 'Sở Tư pháp' });
  await vp.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
  // no content, no deadline: said next to each
  await vp.locator('#f-content-err').waitFor();
  await vp.locator('[id="f-task-0-deadline-err"]').waitFor();
  await assertAccessible(vp, 'the directive form with its errors');
  await narrow(vp);
  await vp.getByLabel('Nội dung chỉ đạo *').fill('Tổ chức đối thoại với doanh nghiệp về thủ tục đất đai');
  await vp.getByLabel('Hạn hoàn thành (dd/mm/yyyy) *').fill(dmy(vnDay(14)));
  await vp.getByRole('button', { name: 'Thêm nhiệm vụ' }).click();
  await vp.getByLabel('Cơ quan thực hiện nhiệm vụ 2 *').selectOption({ label: 'Sở Xây dựng' });
  await vp.locator('[id="f-task-1-deadline"]').fill(dmy(vnDay(21)));
  await vp.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
  await vp.getByText('Đã ghi nhận chỉ đạo và giao nhiệm vụ.').waitFor();
  await vp.getByRole('heading', { level: 1, name: 'Ý kiến chỉ đạo' }).waitFor();
  await vp.getByText('Tổ chức đối thoại với doanh nghiệp về thủ tục đất đai').waitFor();
  assert.equal(await vp.locator('#dr-tasks > li').count(), 2);
  await vp.locator('#dr-trail').getByText('Ghi nhận chỉ đạo').waitFor();
  await assertAccessible(vp, 'the directive recorded');
  await narrow(vp);
  assertNoErrors(vp);
});
