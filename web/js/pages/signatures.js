// pages/signatures.js - digital signatures: one's certificates for remote
// signing (ask for one by choosing a PIN, change the PIN, revoke), and the
// public verification of a signed file (a signed PDF, or any file with its
// .p7s): who signed, when, with which certificate, intact or not, and
// whether the certificate was valid then.
import { state, t, el, api, page, field, showFieldErrors, clearFieldErrors, alertBox, needStrings, when, link } from '../lib.js';

const PIN = { type: 'password', inputmode: 'numeric', autocomplete: 'off', pattern: '[0-9]{6,12}', maxlength: '12', minlength: '6' };

const statusText = (c) => t('sg_status_' + c.status);
const fromUnix = (s) => (s ? when(new Date(s * 1000).toISOString()) : '—');

// The signer's PIN box, when they hold a valid certificate for remote
// signing: the signing act then signs the document digitally (empty: an
// approval for a signature on paper).  Without one, a link to ask for it.
let myCert; // fetched once per page
export async function pinBox(id) {
  if (myCert === undefined) {
    await needStrings('signatures');
    const r = await api('GET', '/api/v1/certificates');
    myCert = r.status === 200 ? (r.body.items || []).find((c) => c.kind === 'personal' && c.status === 'valid' && c.remote) || null : null;
  }
  if (!myCert) return el('p', { class: 'hint', id: `${id}-nocert` }, t('sg_no_cert_hint'), ' ', link('/chung-thu-so', t('sg_get_cert')));
  return field('pin', t('sg_pin_sign'), { id, type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: '12', hint: t('sg_pin_sign_hint', { serial: myCert.serial }) });
}

// The body of a signing act with the PIN, when one was typed.
export function withPin(form, body) {
  const pin = form.elements.pin?.value.trim();
  if (pin) body.pin = pin;
  return body;
}

// ---- /chung-thu-so: my certificates ----

export async function certificates(view) {
  await needStrings('signatures');
  if (!state.me) { page(view, t('sg_title'), el('p', {}, link('/dang-nhap?next=/chung-thu-so', t('nav_login')))); return; }
  const r = await api('GET', '/api/v1/certificates');
  if (r.status !== 200) { page(view, t('sg_title'), alertBox(r)); return; }
  const items = r.body.items || [];
  const valid = items.find((c) => c.kind === 'personal' && c.status === 'valid');
  const done = new URLSearchParams(location.search).get('done');
  page(view, t('sg_title'),
    done ? el('p', { class: 'notice', role: 'status', text: t('sg_done_' + done) }) : null,
    el('p', { text: t('sg_intro') }),
    valid ? current(valid) : el('p', { class: 'hint', id: 'sg-none', text: t('sg_none') }),
    requestForm(!!valid),
    tokenForm(),
    items.length ? history(items) : null);
}

function current(c) {
  const dl = el('dl', { class: 'kv', id: 'sg-current' },
    el('dt', { text: t('sg_subject') }), el('dd', { text: c.subject }),
    el('dt', { text: t('sg_serial') }), el('dd', { class: 'mono', text: c.serial }),
    el('dt', { text: t('sg_valid') }), el('dd', { text: `${fromUnix(c.not_before)} – ${fromUnix(c.not_after)}` }),
    c.pin_locked_until ? el('dt', { text: t('sg_locked') }) : null,
    c.pin_locked_until ? el('dd', { class: 'error', text: when(new Date(c.pin_locked_until).toISOString()) }) : null);
  return el('section', { class: 'card', 'aria-labelledby': 'sg-cur-h' },
    el('h2', { id: 'sg-cur-h', text: t('sg_current') }), dl,
    el('p', {}, el('a', { href: `/api/v1/certificates/${c.id}?format=pem`, download: `${c.serial}.pem`, text: t('sg_download') })),
    c.remote ? pinForm(c) : el('p', { class: 'hint', id: 'sg-token', text: t('sg_on_token') }), revokeForm(c));
}

function formStatus() {
  return el('div', { class: 'act-status', 'aria-live': 'polite' });
}

async function send(form, status, method, path, body, ok) {
  clearFieldErrors(form);
  status.replaceChildren();
  const btn = form.querySelector('button[type="submit"]');
  btn.disabled = true;
  const r = await api(method, path, body);
  btn.disabled = false;
  if (r.status === 200 || r.status === 201) { ok(r.body); return; }
  const rest = r.status === 422 ? showFieldErrors(form, r) : [];
  status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
}

// Two PIN boxes that must agree before anything is sent.
function pinPair(prefix) {
  return [
    field(prefix === 'new' ? 'new_pin' : 'pin', t('sg_pin_new') + ' *', { ...PIN, id: `${prefix}-pin`, required: true, hint: t('sg_pin_hint') }),
    field('pin_again', t('sg_pin_again') + ' *', { ...PIN, id: `${prefix}-pin2`, required: true }),
  ];
}

function mismatch(form, name) {
  showFieldErrors(form, { status: 422, body: { errors: [{ field: name, message_vi: t('sg_pin_mismatch'), message_en: t('sg_pin_mismatch') }] } });
}

function requestForm(replaces) {
  const status = formStatus();
  const form = el('form', { class: 'card act-form', id: 'f-cert', novalidate: true, 'aria-labelledby': 'f-cert-h' },
    el('h2', { id: 'f-cert-h', text: t(replaces ? 'sg_renew' : 'sg_request') }),
    el('p', { class: 'hint', text: t(replaces ? 'sg_renew_hint' : 'sg_request_hint') }),
    ...pinPair('req'),
    field('password', t('sg_password') + ' *', { type: 'password', id: 'req-password', autocomplete: 'current-password', required: true, hint: t('sg_password_hint') }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'cert-submit', text: t(replaces ? 'sg_renew' : 'sg_request') })),
    status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (form.elements.pin.value !== form.elements.pin_again.value) { mismatch(form, 'pin_again'); return; }
    send(form, status, 'POST', '/api/v1/certificates', { kind: 'personal', pin: form.elements.pin.value, password: form.elements.password.value },
      () => { location.replace('/chung-thu-so?done=issued'); });
  });
  return form;
}

// A key on one's own token: its certificate request (PKCS#10, PEM) sent,
// the certificate issued for it to download into the token's software.
function tokenForm() {
  const status = formStatus();
  const form = el('form', { class: 'act-form', id: 'f-token', novalidate: true },
    el('p', { class: 'hint', text: t('sg_token_hint') }),
    field('csr_file', t('sg_token_csr') + ' *', { type: 'file', id: 'tk-csr', accept: '.csr,.pem,.req,application/pkcs10', required: true }),
    field('password', t('sg_token_password') + ' *', { type: 'password', id: 'tk-password', autocomplete: 'current-password', required: true }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'token-submit', text: t('sg_token_send') })),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = form.elements.csr_file.files[0];
    if (!f) { showFieldErrors(form, { status: 422, body: { errors: [{ field: 'csr_file', message_vi: t('sg_token_need'), message_en: t('sg_token_need') }] } }); return; }
    const csr = (await f.text()).slice(0, 65536);
    send(form, status, 'POST', '/api/v1/certificates', { kind: 'personal', csr, password: form.elements.password.value },
      () => { location.replace('/chung-thu-so?done=issued'); });
  });
  return el('details', { class: 'card act-form', id: 'sg-token-box' }, el('summary', { text: t('sg_token') }), form);
}

function pinForm(c) {
  const status = formStatus();
  const form = el('form', { class: 'act-form', id: 'f-pin', novalidate: true, 'aria-labelledby': 'f-pin-h' },
    el('h3', { id: 'f-pin-h', text: t('sg_change_pin') }),
    field('pin', t('sg_pin_old') + ' *', { ...PIN, id: 'old-pin', required: true }),
    ...pinPair('new'),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'pin-submit', text: t('sg_change_pin') })),
    status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (form.elements.new_pin.value !== form.elements.pin_again.value) { mismatch(form, 'pin_again'); return; }
    send(form, status, 'POST', `/api/v1/certificates/${c.id}/pin`, { pin: form.elements.pin.value, new_pin: form.elements.new_pin.value },
      () => { location.replace('/chung-thu-so?done=pin'); });
  });
  return el('details', { class: 'act-form' }, el('summary', { text: t('sg_change_pin') }), form);
}

function revokeForm(c) {
  const status = formStatus();
  const reason = el('select', { id: 'rv-reason', name: 'reason' },
    ...[5, 1, 0].map((v) => el('option', { value: String(v), text: t('sg_reason_' + v) })));
  const form = el('form', { class: 'act-form', id: 'f-revoke', novalidate: true },
    el('p', { class: 'hint', text: t('sg_revoke_hint') }),
    el('div', { class: 'field' }, el('label', { for: 'rv-reason', text: t('sg_reason') }), reason),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'danger', id: 'revoke-submit', text: t('sg_revoke') })),
    status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!confirm(t('sg_revoke_confirm'))) return;
    send(form, status, 'POST', `/api/v1/certificates/${c.id}/revoke`, { reason: Number(reason.value) },
      () => { location.replace('/chung-thu-so?done=revoked'); });
  });
  return el('details', { class: 'act-form' }, el('summary', { text: t('sg_revoke') }), form);
}

function history(items) {
  return el('section', { class: 'card', 'aria-labelledby': 'sg-hist-h' },
    el('h2', { id: 'sg-hist-h', text: t('sg_history') }),
    el('ul', { class: 'plain', id: 'sg-list' }, ...items.map((c) => el('li', {},
      el('strong', { text: statusText(c) + (c.revoked_at ? ` (${fromUnix(c.revoked_at)})` : '') }), ' · ',
      el('span', { text: `${fromUnix(c.not_before)} – ${fromUnix(c.not_after)}` }), el('br'),
      el('span', { class: 'mono', text: c.serial })))));
}

// ---- /xac-thuc-chu-ky: verify a signed file (public) ----

const toBase64 = (buf) => {
  let s = '';
  const b = new Uint8Array(buf);
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};

export async function verify(view) {
  await needStrings('signatures');
  const result = el('div', { id: 'vf-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'card narrow', id: 'f-verify', novalidate: true },
    el('p', { text: t('vf_intro') }),
    field('file', t('vf_file') + ' *', { type: 'file', id: 'vf-file', required: true, hint: t('vf_file_hint') }),
    field('signature', t('vf_p7s'), { type: 'file', id: 'vf-p7s', accept: '.p7s,application/pkcs7-signature', hint: t('vf_p7s_hint') }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'vf-submit', text: t('vf_check') })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    result.replaceChildren();
    const file = form.elements.file.files[0], sig = form.elements.signature.files[0];
    if (!file) { showFieldErrors(form, { status: 422, body: { errors: [{ field: 'file', message_vi: t('vf_need_file'), message_en: t('vf_need_file') }] } }); return; }
    const btn = form.querySelector('button[type="submit"]');
    btn.disabled = true;
    const init = { method: 'POST', headers: { 'Accept-Language': state.lang, Accept: 'application/json' } };
    if (sig) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify({ file: toBase64(await file.arrayBuffer()), signature: toBase64(await sig.arrayBuffer()) });
    } else {
      init.headers['Content-Type'] = 'application/pdf';
      init.body = file;
    }
    let r;
    try {
      const res = await fetch('/api/v1/verify', init);
      r = { status: res.status, body: await res.json().catch(() => null) };
    } catch {
      r = { status: 0, body: null };
    }
    btn.disabled = false;
    if (r.status !== 200) {
      const rest = r.status === 422 ? showFieldErrors(form, r) : [];
      result.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
      return;
    }
    result.replaceChildren(verdicts(r.body));
    result.querySelector('h2')?.focus();
  });
  page(view, t('vf_title'), form, result);
}

function verdicts(v) {
  const sigs = v.signatures || [];
  return el('section', { class: 'card', 'aria-labelledby': 'vf-h' },
    el('h2', { id: 'vf-h', tabindex: '-1', class: v.valid ? 'ok' : 'error', text: t(v.valid ? 'vf_all_valid' : 'vf_not_valid', { n: sigs.length }) }),
    v.changed_after_last_signature ? el('p', { class: 'error', id: 'vf-changed-after', text: t('vf_changed_after') }) : null,
    el('ol', { class: 'signatures' }, ...sigs.map((s) => el('li', { class: s.valid ? 'sig ok' : 'sig bad' },
      el('p', {}, el('strong', { text: s.signer ? s.signer.name : t('vf_unreadable') }), ' — ', el('span', { text: t(s.valid ? 'vf_valid' : 'vf_invalid') })),
      el('dl', { class: 'kv' },
        el('dt', { text: t('vf_intact') }), el('dd', { text: t(s.intact ? 'vf_yes_intact' : 'vf_changed') }),
        s.covers_whole_file === false ? el('dt', { text: t('vf_scope') }) : null,
        s.covers_whole_file === false ? el('dd', { text: t('vf_later_changes') }) : null,
        s.certificate_status ? el('dt', { text: t('vf_certificate') }) : null,
        s.certificate_status ? el('dd', { text: t('vf_cert_' + s.certificate_status) + (s.revoked_at ? ` · ${t('vf_revoked_at', { at: fromUnix(s.revoked_at) })}` : '') }) : null,
        s.signer ? el('dt', { text: t('sg_serial') }) : null, s.signer ? el('dd', { class: 'mono', text: s.signer.serial }) : null,
        s.signer ? el('dt', { text: t('vf_issuer') }) : null, s.signer ? el('dd', { text: s.signer.issuer }) : null,
        el('dt', { text: t('vf_when') }),
        el('dd', { text: s.timestamp && s.timestamp.at ? t('vf_stamped', { at: fromUnix(s.timestamp.at), tsa: s.timestamp.tsa }) : s.signing_time ? t('vf_claimed', { at: fromUnix(s.signing_time) }) : '—' }),
        s.reason ? el('dt', { text: t('vf_reason') }) : null, s.reason ? el('dd', { text: s.reason }) : null)))));
}
