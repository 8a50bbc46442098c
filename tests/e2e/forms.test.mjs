// forms.test.mjs - what every form does alike: the error summary at the top
// (GOV.UK): it takes the focus, counts the things to fix and links each to
// its field; a hint sits between its label and its input, and the input is
// described by it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, DEMO } from './lib/harness.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// Every hint that describes a control comes before it in the page.
async function hintsBefore(page, where) {
  const wrong = await page.evaluate(() => {
    const out = [];
    for (const c of document.querySelectorAll('input[aria-describedby], select[aria-describedby], textarea[aria-describedby]')) {
      for (const id of c.getAttribute('aria-describedby').split(' ')) {
        const h = document.getElementById(id);
        // a live status line (what the picker chose) follows its input: not a hint
        if (!h || !h.classList.contains('hint') || h.closest('[hidden]') || h.hasAttribute('aria-live')) continue;
        // FOLLOWING (4): the control comes after the hint
        if (!(h.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING)) out.push(`${c.id} <- ${id}`);
      }
    }
    return out;
  });
  assert.deepEqual(wrong, [], `${where}: hints after their input`);
}

test('sign-up: the error summary is at the top, has the focus and links every field', async () => {
  const page = await newPage(browser, srv);
  await page.goto('/dang-ky');
  await page.locator('#f-id_number').waitFor();
  await hintsBefore(page, '/dang-ky');
  await page.getByRole('button', { name: 'Đăng ký' }).click();
  const summary = page.locator('form > .error-summary');
  await summary.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), true);
  assert.equal(await page.evaluate(() => document.querySelector('form').firstElementChild.classList.contains('error-summary')), true);
  assert.match(await summary.locator('h2').textContent(), /^Có \d+ mục cần sửa$/);
  const links = summary.locator('a');
  assert.ok(await links.count() >= 3);
  for (let k = 0; k < await links.count(); k++) {
    const href = await links.nth(k).getAttribute('href');
    await links.nth(k).click();
    assert.equal(await page.evaluate(() => `#${document.activeElement.id}`), href);
  }
  assert.equal(new URL(page.url()).hash, '');
  await assertAccessible(page, 'sign-up with its error summary');
  assertNoErrors(page);
});

test('the application form and the counter: hints before their inputs', async () => {
  const page = await newPage(browser, srv);
  await login(page, DEMO.citizen);
  await page.goto('/nop-ho-so/1.004873');
  await page.locator('#f-full_name').waitFor();
  await hintsBefore(page, '/nop-ho-so');
  const clerk = await newPage(browser, srv);
  await login(clerk, DEMO.wardClerk);
  await clerk.goto('/can-bo/tiep-nhan');
  await clerk.locator('#in-id').waitFor();
  await hintsBefore(clerk, '/can-bo/tiep-nhan');
  assertNoErrors(page);
  assertNoErrors(clerk);
});
