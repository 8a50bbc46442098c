// payments.test.mjs - fees paid in the browser, on a 360 px phone: the
// citizen's dossier page shows the fee (amount, VietQR code, its account)
// and "Pay with VNPAY"; the gateway simulator's page pays it; the browser
// comes back to the return page, which says it is paid, and the dossier
// page offers the e-receipt.  At the counter, the clerk's dossier view
// records a cash payment; before it, the specialist is told that the
// dossier moves on only once paid.  The accountant's daily reconciliation counts
// both.  axe-core on each page; nothing wider than the phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login, assertAccessible, assertNoErrors, PASSWORD, PHONE } from './lib/harness.mjs';

let srv, browser;
before(async () => {
  srv = await startServer({ MOTCUA_PAYSIM: '1' }); // the server plays the VNPAY gateway
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

async function token(username) {
  const r = await fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, token: true }),
  });
  return { Authorization: `Bearer ${(await r.json()).token}`, 'Content-Type': 'application/json' };
}

const FORM = { subject_full_name: 'Nguyễn Văn An', subject_birth_date: '2003-05-14', record_kind: 'birth', registration_unit: '26740', copies: 2 };

test('a citizen pays by VNPAY through the simulator, a clerk takes cash, the accountant reconciles', async () => {
  // ---- the citizen's dossier (2.000635: 8 000 đồng, paid at the return) ----
  const cit = await token('079203001234');
  const s = await fetch(`${srv.base}/api/v1/dossiers`, { method: 'POST', headers: cit, body: JSON.stringify({ procedure_code: '2.000635', form: FORM }) });
  assert.equal(s.status, 201);
  const code = (await s.json()).code;

  const p = await newPage(browser, srv, PHONE);
  await login(p, '079203001234');
  await p.goto(`/ho-so-cua-toi/${code}`);
  await p.getByRole('heading', { name: 'Phí, lệ phí' }).waitFor();
  await p.locator('#pay-amount').getByText('8.000 đ').waitFor();
  await p.locator('#pay-amount').getByText('Tám nghìn đồng').waitFor();
  await p.locator('#pay-status').getByText('Chưa thanh toán').waitFor();
  // the VietQR code is an image that loaded
  await p.waitForFunction(() => { const i = document.getElementById('pay-qr'); return i && i.complete && i.naturalWidth > 0; });
  await p.locator('#pay-account').getByText('31410001726354').waitFor();
  await assertAccessible(p, 'the dossier with its fee, on a phone');
  await narrow(p);

  await p.getByRole('button', { name: 'Thanh toán qua VNPAY' }).click();
  await p.getByRole('heading', { name: 'Thanh toán VNPAY (mô phỏng)' }).waitFor();
  assert.match(await p.locator('#amount').textContent(), /8\.000 VND/);
  await assertAccessible(p, "the gateway simulator's page");
  await narrow(p);
  await p.getByRole('button', { name: 'Thanh toán', exact: true }).click();
  await p.getByRole('heading', { name: 'Kết quả thanh toán' }).waitFor();
  await p.locator('#pay-result').getByText(`Thanh toán phí hồ sơ ${code} thành công.`).waitFor();
  assert.equal(new URL(p.url()).pathname, '/thanh-toan/ket-qua');
  await assertAccessible(p, 'the return page');
  await narrow(p);
  await p.getByRole('link', { name: `Về hồ sơ ${code}` }).click();
  await p.locator('#pay-status').getByText('Đã thanh toán').waitFor();
  const receipt = p.locator('#pay-receipt');
  await receipt.waitFor();
  const pdf = await p.request.get(await receipt.getAttribute('href'));
  assert.equal(pdf.status(), 200);
  assert.equal((await pdf.body()).subarray(0, 4).toString(), '%PDF');
  assert.equal(await p.locator('#pay-vnpay').count(), 0);
  await assertAccessible(p, 'the dossier paid');
  assertNoErrors(p);

  // ---- at the counter: cash (paid on receipt) ----
  const clerkApi = await token('tiepnhan.p26740');
  const counters = await (await fetch(`${srv.base}/api/v1/counters`)).json();
  const counterId = counters?.items?.find((c) => c.code === 'Q-P26740-01')?.id;
  assert.ok(counterId, 'the clerk has the ward counter');
  const c = await fetch(`${srv.base}/api/v1/counters/${counterId}/dossiers`, {
    method: 'POST', headers: clerkApi,
    body: JSON.stringify({ procedure_code: '2.000635', form: FORM, papers: ['to_khai', 'giay_to_tuy_than'],
      applicant: { full_name: 'Lê Thị Hoa', id_number: '079190004321', phone: '0912345678', ward_code: '26740' } }),
  });
  assert.equal(c.status, 201);
  const walkIn = (await c.json()).code;
  // unpaid, the specialist cannot move it on: the page says why
  const sp = await newPage(browser, srv, PHONE);
  await login(sp, 'chuyenvien.p26740');
  await sp.goto(`/can-bo/ho-so/${walkIn}`);
  await sp.getByRole('button', { name: 'Chuyển bước tiếp theo' }).click();
  await sp.getByRole('button', { name: 'Xác nhận chuyển' }).click();
  await sp.getByText('hồ sơ chỉ được chuyển tiếp sau khi người nộp đã thanh toán').waitFor();
  await assertAccessible(sp, 'the forward refused for the fee');
  assertNoErrors(sp);

  const k = await newPage(browser, srv, PHONE);
  await login(k, 'tiepnhan.p26740');
  await k.goto(`/can-bo/ho-so/${walkIn}`);
  await k.getByRole('heading', { name: 'Phí, lệ phí' }).waitFor();
  await k.locator('#pay-status').getByText('Chưa thanh toán').waitFor();
  await assertAccessible(k, "the clerk's dossier with its fee");
  await narrow(k);
  await k.getByRole('button', { name: 'Ghi nhận thu tiền mặt' }).click();
  await k.getByText('Đã ghi nhận thanh toán và lập biên lai.').waitFor();
  await k.locator('#pay-status').getByText('Đã thanh toán').waitFor();
  await k.locator('#pay-receipt').waitFor();
  await assertAccessible(k, 'the cash payment recorded');
  assertNoErrors(k);

  // ---- the accountant's day ----
  const a = await newPage(browser, srv, PHONE);
  await login(a, 'ketoan.p26740');
  await a.goto('/can-bo/doi-soat');
  await a.getByRole('heading', { name: 'Đối soát thu phí, lệ phí trong ngày' }).waitFor();
  await a.locator('#rc-total').getByText('16.000 đ').waitFor();
  await a.locator('#rc-vnpay').getByText('8.000 đ').waitFor();
  await a.locator('#rc-cash').getByText('8.000 đ').waitFor();
  await a.locator('#rc-gateway.notice').waitFor();
  await a.locator('#rc-none').waitFor();
  await assertAccessible(a, 'the reconciliation, on a phone');
  await narrow(a);
  assertNoErrors(a);
});
