// pages/payments.js - fees paid (issue 16): the fee card on the citizen's
// and the official's dossier page (the amount in figures and words, when it
// is owed, the VietQR code of a transfer to the agency's account, "Pay with
// VNPAY" for the applicant, "record cash payment" for the counter clerk, a
// transfer and a refund for the accountant, the e-receipt); the page the
// gateway sends the browser back to; the accountant's daily reconciliation.
import { needStrings, t, el, api, go, link, page, when, alertBox, showFieldErrors, clearFieldErrors, field, todayVN, num } from '../lib.js';
import { officialOnly } from './office.js';

const vnd = (n) => `${num(n)} đ`;
const badge = (s) => el('span', { class: `badge pay-${s}`, id: 'pay-status', text: t('py_status_' + s) });

// The fee card of dossier code: an empty placeholder, filled when the
// payment is read, removed when the dossier owes nothing.
export function paymentCard(code, { official = false } = {}) {
  const card = el('section', { class: 'card pay-card', id: 'payment', 'aria-labelledby': 'pay-h' });
  (async () => {
    await needStrings('payments');
    const res = await api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/payment`);
    if (res.status === 404) { card.remove(); return; }
    if (res.status !== 200) { card.replaceChildren(alertBox(res)); return; }
    fill(card, res.body, official);
  })();
  return card;
}

function fill(card, p, official, flash) {
  // a dossier that ended without a result owes nothing any more
  const ended = ['refused', 'withdrawn', 'stopped'].includes(p.dossier_status);
  const owed = (p.status === 'requested' || p.status === 'failed') && !ended;
  const dl = el('dl', { class: 'cz-facts' },
    el('dt', { text: t('py_amount') }), el('dd', { id: 'pay-amount' }, el('strong', { text: vnd(p.amount) }), ` (${p.amount_words})`),
    el('dt', { text: t('py_when') }), el('dd', { text: t('py_stage_' + p.stage) }),
    el('dt', { text: t('py_status') }), el('dd', {}, badge(p.status), p.refund_due ? el('span', { class: 'hint', text: ` · ${t('py_refund_due')}` }) : null),
    ...(p.paid_at ? [el('dt', { text: t('py_paid_at') }), el('dd', { text: `${when(p.paid_at)} · ${t('py_method_' + p.method)}${p.reference ? ` · ${p.reference}` : ''}` })] : []),
    ...(p.refunded_at ? [el('dt', { text: t('py_refunded_at') }), el('dd', { text: when(p.refunded_at) })] : []));
  card.replaceChildren(
    el('h2', { id: 'pay-h', text: t('py_title') }),
    flash ? el('p', { class: 'notice', role: 'status', text: flash }) : null,
    dl,
    owed && p.status === 'failed' ? el('p', { class: 'warning', text: t('py_failed_hint') }) : null,
    ended && !p.paid_at ? el('p', { class: 'hint', id: 'pay-not-owed', text: t('py_not_owed') }) : null,
    owed && p.vietqr ? qrBlock(p) : null,
    owed && p.may.vnpay ? el('p', { class: 'actions' }, vnpayButton(card, p)) : null,
    official && owed && p.may.cash ? cashButton(card, p) : null,
    official && owed && p.may.transfer ? transferForm(card, p) : null,
    official && p.may.refund ? refundForm(card, p) : null,
    p.receipt ? el('p', {}, el('a', { href: p.receipt.href, id: 'pay-receipt', class: 'button', text: t('py_receipt', { symbol: p.receipt.symbol, number: p.receipt.number }) })) : null);
}

function qrBlock(p) {
  const a = p.account || {};
  return el('div', { class: 'pay-qr' },
    el('img', { src: p.qr_href, id: 'pay-qr', width: '196', height: '196', alt: t('py_qr_alt', { code: p.code, amount: vnd(p.amount) }) }),
    el('div', {},
      el('p', { text: t('py_qr_hint') }),
      el('dl', { class: 'cz-facts' },
        el('dt', { text: t('py_bank') }), el('dd', { text: a.bank_name || '' }),
        el('dt', { text: t('py_account_no') }), el('dd', { id: 'pay-account', class: 'code', text: a.account_no || '' }),
        el('dt', { text: t('py_account_name') }), el('dd', { text: a.account_name || '' }),
        el('dt', { text: t('py_purpose') }), el('dd', { class: 'code', text: p.purpose }))));
}

function vnpayButton(card, p) {
  const b = el('button', { type: 'button', class: 'primary', id: 'pay-vnpay', text: t('py_vnpay') });
  b.addEventListener('click', async () => {
    b.disabled = true;
    const res = await api('POST', `/api/v1/payments/${p.id}/vnpay`, {});
    if (res.status !== 201) { b.disabled = false; b.insertAdjacentElement('afterend', alertBox(res)); return; }
    location.assign(res.body.url);
  });
  return b;
}

// POST what with the payment's version; the card shows the answer.
async function change(card, p, what, body, form) {
  const res = await api('POST', `/api/v1/payments/${p.id}/${what}`, body, { headers: { 'If-Match': `"v${p.version}"` } });
  if (res.status === 200) { fill(card, res.body, true, t('py_done_' + what)); card.querySelector('.notice')?.focus?.(); return; }
  if (form && res.status === 422) { showFieldErrors(form, res); return; }
  (form || card).append(alertBox(res));
}

function cashButton(card, p) {
  const b = el('button', { type: 'button', class: 'primary', id: 'pay-cash', text: t('py_cash') });
  b.addEventListener('click', () => { b.disabled = true; change(card, p, 'record', { method: 'cash' }); });
  return el('p', { class: 'actions' }, b, el('span', { class: 'hint', text: ` ${t('py_cash_hint')}` }));
}

function transferForm(card, p) {
  const f = el('form', { class: 'stack', id: 'pay-transfer-form', novalidate: '' },
    field('reference', t('py_reference'), { required: true, maxlength: '60' }),
    el('button', { type: 'submit', text: t('py_transfer') }));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(f);
    change(card, p, 'record', { method: 'vietqr', reference: f.elements.reference.value.trim() }, f);
  });
  return el('details', {}, el('summary', { text: t('py_transfer_h') }), f);
}

function refundForm(card, p) {
  const f = el('form', { class: 'stack', id: 'pay-refund-form', novalidate: '' },
    field('reason', t('py_refund_reason'), { maxlength: '500' }),
    el('button', { type: 'submit', text: t(p.method === 'vnpay' ? 'py_refund_vnpay' : 'py_refund') }));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(f);
    change(card, p, 'refund', { reason: f.elements.reason.value.trim() || undefined }, f);
  });
  return el('details', { open: !!p.refund_due }, el('summary', { text: t('py_refund_h') }), f);
}

// ---- /thanh-toan/ket-qua: back from the gateway ----

export async function returned(view) {
  await needStrings('payments');
  const res = await api('GET', `/api/v1/vnpay/return${location.search}`);
  if (res.status !== 200) { page(view, t('py_return_title'), alertBox(res)); return; }
  const r = res.body;
  const mine = r.code ? link(`/ho-so-cua-toi/${encodeURIComponent(r.code)}`, t('py_back_dossier', { code: r.code }), { class: 'button primary', id: 'pay-back' }) : null;
  const msg = !r.valid ? ['error', 'py_return_invalid'] : r.success ? ['notice', r.status === 'paid' ? 'py_return_paid' : 'py_return_wait'] : ['warning', 'py_return_failed'];
  page(view, t('py_return_title'),
    el('p', { class: msg[0], role: msg[0] === 'error' ? 'alert' : 'status', id: 'pay-result', text: t(msg[1], { code: r.code || '' }) }),
    r.valid && r.response_code && !r.success ? el('p', { class: 'hint', text: t('py_return_code', { code: r.response_code }) }) : null,
    mine ? el('p', {}, mine) : null);
}

// ---- /can-bo/doi-soat: the daily reconciliation ----

export async function reconcile(view, qs) {
  await needStrings('payments');
  if (!officialOnly(view, 'payment.manage')) return;
  const day = (qs && qs.get('ngay')) || todayVN();
  const res = await api('GET', `/api/v1/payment-reconciliation?day=${encodeURIComponent(day)}`);
  const f = el('form', { class: 'filters', id: 'rc-form' },
    field('ngay', t('py_day'), { type: 'date', value: day, id: 'rc-day' }),
    el('button', { type: 'submit', text: t('py_show') }));
  f.addEventListener('submit', (e) => { e.preventDefault(); go(`/can-bo/doi-soat?ngay=${encodeURIComponent(f.elements.ngay.value)}`); });
  if (res.status !== 200) { page(view, t('py_rc_title'), f, alertBox(res)); return; }
  const r = res.body;
  const th = (k) => el('th', { scope: 'col', text: t(k) });
  const td = (label, v, attrs = {}) => el('td', { 'data-label': t(label), ...attrs }, v);
  page(view, t('py_rc_title'), f,
    el('section', { class: 'card', 'aria-labelledby': 'rc-m-h' },
      el('h2', { id: 'rc-m-h', text: t('py_rc_methods') }),
      el('table', { class: 'stack', id: 'rc-methods' },
        el('thead', {}, el('tr', {}, th('py_method'), th('py_count'), th('py_total'), th('py_refunds'), th('py_refunded'))),
        el('tbody', {}, ...r.methods.map((m) => el('tr', { id: `rc-${m.method}` },
          el('th', { scope: 'row', 'data-label': t('py_method'), text: t('py_method_' + m.method) }),
          td('py_count', num(m.count)), td('py_total', vnd(m.total)), td('py_refunds', num(m.refunds)), td('py_refunded', vnd(m.refunded))))),
        el('tfoot', {}, el('tr', {}, el('th', { scope: 'row', text: t('py_all') }), td('py_count', num(r.totals.count)),
          td('py_total', vnd(r.totals.total), { id: 'rc-total' }), td('py_refunds', ''), td('py_refunded', vnd(r.totals.refunded))))),
      el('p', { id: 'rc-net', text: t('py_net', { net: vnd(r.totals.net) }) }),
      el('p', { id: 'rc-gateway', class: r.gateway.matches ? 'notice' : 'warning',
        text: t(r.gateway.matches ? 'py_gw_match' : 'py_gw_mismatch', { n: r.gateway.orders_paid, total: vnd(r.gateway.orders_total) }) })),
    el('section', { class: 'card', 'aria-labelledby': 'rc-u-h' },
      el('h2', { id: 'rc-u-h', text: t('py_unmatched') }),
      r.unmatched.length ? el('ul', { id: 'rc-unmatched' }, ...r.unmatched.map((u) => el('li', {},
        link(`/can-bo/ho-so/${encodeURIComponent(u.code)}`, u.code), ` · ${t('py_un_' + u.kind)} · ${vnd(u.amount)}`)))
        : el('p', { class: 'hint', id: 'rc-none', text: t('py_unmatched_none') })),
    el('section', { class: 'card', 'aria-labelledby': 'rc-p-h' },
      el('h2', { id: 'rc-p-h', text: t('py_rc_payments') }),
      r.payments.length ? el('table', { class: 'stack', id: 'rc-payments' },
        el('thead', {}, el('tr', {}, th('py_receipt_no'), th('py_dossier'), th('py_method'), th('py_total'), th('py_status'))),
        el('tbody', {}, ...r.payments.map((x) => el('tr', {},
          el('th', { scope: 'row', 'data-label': t('py_receipt_no'), text: x.receipt }),
          td('py_dossier', link(`/can-bo/ho-so/${encodeURIComponent(x.code)}`, x.code)),
          td('py_method', t('py_method_' + x.method)), td('py_total', vnd(x.amount)), td('py_status', t('py_status_' + x.status))))))
        : el('p', { class: 'hint', text: t('py_rc_no_payments') })));
}

