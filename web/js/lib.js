// lib.js - what every page shares: strings (Vietnamese first, English by a
// switch), DOM building, Vietnamese formats, the API client (session in the
// HttpOnly cookie, the CSRF token only in memory), navigation and the
// problem+json error display.  No framework; no inline script (the CSP
// forbids it); nothing secret in localStorage.

export const state = {
  lang: localStorage.getItem('lang') === 'en' ? 'en' : 'vi', // a preference, nothing secret
  t: {},
  me: null,   // the signed-in account (GET /api/v1/me), or null
  csrf: '',   // the session's CSRF token, kept in memory only
};

// The string files, one per area of the application, merged at start;
// an area only officials use (documents) is fetched by its pages when
// first opened (needStrings), so that a citizen's page does not carry it.
const NAMESPACES = ['common', 'citizen', 'office', 'stats', 'account'];
const later = new Set(); // the areas fetched on demand so far

const stringsOf = (ns) => fetch(`/i18n/${state.lang}/${ns}.json`).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));

export async function needStrings(ns) {
  if (later.has(ns)) return;
  later.add(ns);
  Object.assign(state.t, await stringsOf(ns));
}

export async function loadStrings() {
  const parts = await Promise.all([...NAMESPACES, ...later].map(stringsOf));
  state.t = Object.assign({}, ...parts);
  document.documentElement.lang = state.lang;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-aria]')) e.setAttribute('aria-label', t(e.dataset.i18nAria));
  // the switch names the other language, in that language
  const sw = document.getElementById('lang');
  if (sw) sw.lang = state.lang === 'vi' ? 'en' : 'vi';
}

// t('key') or t('key', {n: 3}) with {n} placeholders.
export function t(k, vars) {
  let s = state.t[k] ?? k;
  if (vars) for (const [name, v] of Object.entries(vars)) s = s.replaceAll(`{${name}}`, String(v));
  return s;
}

// The name of a thing in the current language: obj.name / obj.name_en.
export const pick = (o, key = 'name') => (o ? (state.lang === 'en' ? (o[key + '_en'] || o[key]) : o[key]) : '');

// el('a', {href: '/', text: 'x', onclick: fn, class: 'c'}, child...)
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null && c !== false) e.append(c);
  return e;
}

// SVG elements (charts are drawn by the page itself).
export function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) e.append(c);
  return e;
}

// ---- Vietnamese formats: dd/mm/yyyy, 24-hour times, 1.234.567, đồng ----
// Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving).
const VN_MS = 7 * 3600 * 1000;
const p2 = (n) => String(n).padStart(2, '0');
const vnParts = (iso) => {
  const d = new Date(new Date(iso).getTime() + VN_MS);
  return { d: p2(d.getUTCDate()), m: p2(d.getUTCMonth() + 1), y: d.getUTCFullYear(), h: p2(d.getUTCHours()), mi: p2(d.getUTCMinutes()) };
};
export function when(iso) {
  if (!iso) return '—';
  const x = vnParts(iso);
  return `${x.d}/${x.m}/${x.y} ${x.h}:${x.mi}`;
}
export function day(iso) {
  if (!iso) return '—';
  const x = vnParts(iso);
  return `${x.d}/${x.m}/${x.y}`;
}
// Today in Vietnam as yyyy-mm-dd (for date inputs and API periods).
export function todayVN(offsetDays = 0) {
  const d = new Date(Date.now() + VN_MS + offsetDays * 86400000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
}
// A date typed the Vietnamese way (dd/mm/yyyy; '.' or '-' also accepted)
// as yyyy-mm-dd, or '' when it is not a real date.
export function isoDay(s) {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s.trim());
  if (!m) return '';
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const x = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || x.getUTCFullYear() !== y || x.getUTCMonth() !== mo - 1 || x.getUTCDate() !== d) return '';
  return `${y}-${p2(mo)}-${p2(d)}`;
}
// A date box typed the Vietnamese way whatever the browser's language (a
// native <input type="date"> shows mm/dd/yyyy in English): a text box for
// dd/mm/yyyy with a digit keyboard.  attrs.value may be yyyy-mm-dd (shown as
// dd/mm/yyyy); read the box back with isoDay(input.value).
// A Vietnamese phone number as the server stores it (0 and the digits), or
// null when it is not one: the server's rule (src/org/ident.c), so that the
// page refuses and accepts the same numbers.  Spaces, dots, dashes and
// brackets may group the digits; +84 or 84 may stand for the 0.
export function phoneNormal(s) {
  const v = s.trim();
  if (!/^[(]*\+?[0-9 .\-()]*$/.test(v)) return null;
  const d = v.replace(/\D/g, '');
  let nat;
  if (v.replace(/^[( ]*/, '').startsWith('+') || (d.startsWith('84') && (d.length === 11 || d.length === 12))) {
    if (!d.startsWith('84')) return null;
    nat = d.slice(2).replace(/^0/, '');
  } else if (d.startsWith('0')) {
    nat = d.slice(1);
  } else {
    return null;
  }
  return /^([35789][0-9]{8}|2[0-9]{9})$/.test(nat) ? '0' + nat : null;
}

// Characters as the server counts them (code points of the NFC form), for
// the limits a page states ("at most 200 characters").
export const charLength = (s) => [...s.normalize('NFC')].length;

export function dateInput(attrs = {}) {
  const v = /^\d{4}-\d{2}-\d{2}$/.test(attrs.value || '') ? attrs.value.split('-').reverse().join('/') : attrs.value;
  return el('input', { type: 'text', inputmode: 'numeric', maxlength: '10', autocomplete: 'off', spellcheck: 'false', ...attrs, value: v });
}
// A procedure's legal processing time as the law words it: "3 ngày làm
// việc", "8 giờ làm việc", or "Trả kết quả trong ngày" (same_day).
// One and more than one: "1 working day", "3 working days" (Vietnamese has
// no plural: the same word both times).
const PLURALS = {
  working_day: ['working_day_one', 'working_day'],
  working_hour: ['working_hour_one', 'working_hour'],
  copies: ['copies_one', 'copies_other'],
};
const plural = (what, n) => t(PLURALS[what][Number(n) === 1 ? 0 : 1], { n: nf.format(n) });
export const legalTime = (pt) => (pt.unit === 'same_day' ? t('same_day') : PLURALS[pt.unit] ? plural(pt.unit, pt.value) : `${pt.value} ${t(pt.unit)}`);
// A number of copies of a paper: "1 bản" / "1 copy", "2 copies".
export const copies = (n) => plural('copies', n);
const nf = new Intl.NumberFormat('vi-VN');
export const num = (n) => nf.format(n);
export const pct = (x, digits = 1) => (x == null ? '—' : new Intl.NumberFormat('vi-VN', { maximumFractionDigits: digits }).format(x) + ' %');
// A fee: "Miễn phí" only for a published 0; a rate not yet published (amount
// null) says so, never "free".
export const money = (n) => (n == null ? t('fee_unpublished') : n === 0 ? t('free') : nf.format(n) + ' đ');
export const bytes = (n) => (n < 1024 ? `${n} B` : n < 1048576 ? `${nf.format(Math.round(n / 1024))} KB` : `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(n / 1048576)} MB`);

// ---- the API ----
// api('GET', '/api/v1/me') -> {status, body, headers}.  State-changing calls
// carry the CSRF token and an Idempotency-Key (a retry of the same click is
// answered once).  Never throws: a network failure is status 0.
export async function api(method, path, body, opts = {}) {
  const headers = { 'Accept-Language': state.lang, Accept: 'application/json', ...(opts.headers || {}) };
  const init = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD') {
    if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
    if (method === 'POST' && !opts.noIdempotency) headers['Idempotency-Key'] = opts.key || newKey();
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    const res = await fetch(path, init);
    const ct = res.headers.get('Content-Type') || '';
    const out = ct.includes('json') ? await res.json().catch(() => null) : null;
    return { status: res.status, body: out, headers: res.headers };
  } catch {
    return { status: 0, body: null, headers: new Headers() };
  }
}

export function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Upload one file (POST /api/v1/files) with progress: onProgress(0..1).
// Resolves to {status, body}.
export function upload(file, onProgress) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open('POST', '/api/v1/files');
    x.setRequestHeader('Accept-Language', state.lang);
    if (state.csrf) x.setRequestHeader('X-CSRF-Token', state.csrf);
    x.setRequestHeader('Idempotency-Key', newKey());
    x.setRequestHeader('Content-Type', 'application/octet-stream'); // the server checks the content itself
    x.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    x.onload = () => {
      let b = null;
      try { b = JSON.parse(x.responseText); } catch { /* not JSON */ }
      resolve({ status: x.status, body: b });
    };
    x.onerror = () => resolve({ status: 0, body: null });
    x.send(file);
  });
}

// Who is signed in (null when nobody).  Refreshes state.me and state.csrf.
// The session probe answers 204 for nobody (not a 401, which the browser
// would log as an error on every page an anonymous visitor opens).
export async function loadMe() {
  const { status, body } = await api('GET', '/api/v1/session');
  state.me = status === 200 ? body : null;
  state.csrf = status === 200 ? body.csrf_token : '';
  return state.me;
}

export const can = (perm) => !!state.me && (state.me.permissions || []).includes(perm);
export const isOfficial = () => !!state.me && state.me.kind === 'official';

// ---- navigation ----
let router = null;
export function setRouter(fn) { router = fn; }
export function go(path, replace = false) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  return router && router();
}
// An in-app link: a real <a href> (open in new tab works), routed in place.
export function link(href, text, attrs = {}) {
  return el('a', {
    href, text, ...attrs,
    onclick: (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      go(href);
    },
  });
}

// Replace the page content, set the title and move focus to the heading so a
// screen reader announces the new page.
export function page(view, title, ...children) {
  const h = el('h1', { tabindex: '-1', text: title });
  view.replaceChildren(h, ...children.flat().filter((c) => c != null && c !== false));
  document.title = `${title} — ${t('brand')}`;
  // A message about what was just done (e.g. "received") takes the focus,
  // so that a screen reader reads it; otherwise the page's heading does.
  const flash = view.querySelector('.notice[role="status"]');
  if (flash) {
    flash.setAttribute('tabindex', '-1');
    flash.focus({ preventScroll: true });
  } else {
    h.focus({ preventScroll: true });
  }
  return h;
}

// ---- errors (problem+json) ----
// The message of a problem in the current language.
export function problemText(res) {
  if (res.status === 0) return t('err_network');
  const b = res.body || {};
  return (state.lang === 'en' ? b.title_en : b.title_vi) || b.title || t('error');
}

// An alert box for a failed call (role=alert: read out at once).
export function alertBox(res) {
  return el('p', { class: 'error', role: 'alert', text: problemText(res) });
}

// A refusal in words: the alert box, and what the problem's field errors
// say (the 409 of a retry: "only a row that failed can be tried again").
export function refusalBox(res) {
  const box = alertBox(res);
  for (const e of res.body?.errors || []) {
    const m = (state.lang === 'en' ? e.message_en : e.message_vi) || e.message;
    if (m) box.append(' ', m);
  }
  return box;
}

// An action an operator confirms first (the queues' "try again": the
// hand-overs, the notifications, the national portal): a button (class
// `${cls}-retry`) that opens a warning (`${cls}-confirm`) saying what will
// happen, with a yes (`${cls}-yes`) and a no (`${cls}-no`: back to the
// button, nothing sent).  Yes awaits act(), the API call, and on a 2xx
// answer done(res), which shows what happened; a refusal is said under the
// button (`${cls}-said`), which comes back.
export function confirmAction({ cls, label, question, yes, no, act, done }) {
  const said = el('div', { class: `${cls}-said`, role: 'status' });
  const open = el('button', { type: 'button', class: `${cls}-retry`, text: label });
  const ok = el('button', { type: 'button', class: `primary ${cls}-yes`, text: yes });
  const cancel = el('button', { type: 'button', class: `${cls}-no`, text: no });
  const confirm = el('div', { class: `warning ${cls}-confirm`, hidden: true },
    el('p', { text: question }), el('div', { class: 'actions' }, ok, cancel));
  open.addEventListener('click', () => { confirm.hidden = false; open.hidden = true; said.replaceChildren(); ok.focus(); });
  cancel.addEventListener('click', () => { confirm.hidden = true; open.hidden = false; open.focus(); });
  ok.addEventListener('click', async () => {
    ok.disabled = true;
    const res = await act();
    ok.disabled = false;
    confirm.hidden = true;
    if (res.status < 200 || res.status > 299) { open.hidden = false; said.replaceChildren(refusalBox(res)); return; }
    await done(res);
  });
  return el('div', {}, open, confirm, said);
}

// Where row id of an operator's queue stands now (after a retry): its
// state, asked of the list route (base, with ?state=) state by state in
// the order a row moves; fallback when it is found in none (it moved
// while asked).
export async function queueState(base, id, states, fallback) {
  for (const s of states) {
    const res = await api('GET', `${base}?state=${s}&before=${id + 1}&limit=1`);
    if (res.status === 200 && res.body.items?.[0]?.id === id) return s;
  }
  return fallback;
}

// Show a problem's field errors next to their inputs: each input whose name
// (or data-field) matches gets aria-invalid and a message linked by
// aria-describedby.  Returns the errors that matched no field.
export function showFieldErrors(form, res) {
  clearFieldErrors(form);
  const errs = (res.body && res.body.errors) || [];
  const rest = [];
  for (const e of errs) {
    const input = form.querySelector(`[name="${CSS.escape(e.field)}"], [data-field="${CSS.escape(e.field)}"]`);
    const msg = (state.lang === 'en' ? e.message_en : e.message_vi) || e.message || e.code;
    if (!input) { rest.push(msg); continue; }
    const id = `${input.id || input.name || input.dataset.field}-err`;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    input.insertAdjacentElement('afterend', el('p', { class: 'field-error', id, text: msg }));
  }
  errorSummary(form, errs, rest);
  return rest;
}

// The error summary at the top of a form (the GOV.UK pattern): how many
// things to fix, each a link that takes the focus to its field; the focus
// moves to the summary so that a screen reader reads it first.
function errorSummary(form, errs, rest) {
  form.querySelector(':scope > .error-summary')?.remove();
  const items = [];
  for (const e of errs) {
    const input = form.querySelector(`[name="${CSS.escape(e.field)}"], [data-field="${CSS.escape(e.field)}"]`);
    if (!input) continue;
    const msg = (state.lang === 'en' ? e.message_en : e.message_vi) || e.message || e.code;
    // a group (radios, a checklist) is reached through its first control
    const target = input.matches('fieldset, [role="radiogroup"]') ? input.querySelector('input, select, textarea') || input : input;
    items.push(el('li', {}, el('a', { href: `#${target.id}`, text: msg, onclick: (ev) => {
      ev.preventDefault(); // no change of address: the router would draw the page again
      target.focus();
      target.scrollIntoView({ block: 'center' });
    } })));
  }
  for (const m of rest) items.push(el('li', { text: m }));
  if (!items.length) return;
  const box = el('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': `${form.id || 'form'}-errsum-h` },
    el('h2', { id: `${form.id || 'form'}-errsum-h`, text: t('err_summary_h', { n: items.length }) }),
    el('ul', {}, ...items));
  form.prepend(box);
  box.focus();
}

export function clearFieldErrors(form) {
  form.querySelector(':scope > .error-summary')?.remove();
  for (const p of form.querySelectorAll('.field-error')) {
    const input = form.querySelector(`[aria-describedby~="${p.id}"]`);
    if (input) {
      input.removeAttribute('aria-invalid');
      const rest = input.getAttribute('aria-describedby').split(' ').filter((x) => x !== p.id).join(' ');
      if (rest) input.setAttribute('aria-describedby', rest); else input.removeAttribute('aria-describedby');
    }
    p.remove();
  }
}

// A labelled input: field('email', t('email'), {type: 'email'}) -> [label, input].
// With hint: the hint sits between the label and the input (as everywhere:
// read before the input is reached) and the input is described by it.
export function field(name, label, attrs = {}) {
  const id = attrs.id || `f-${name}`;
  const tag = attrs.tag || 'input';
  const a = { ...attrs };
  delete a.tag;
  delete a.hint;
  let hint = null;
  if (attrs.hint) {
    const hid = a['aria-describedby'] || `${id}-hint`;
    a['aria-describedby'] = hid;
    hint = el('p', { class: 'hint', id: hid, text: attrs.hint });
  }
  const input = el(tag, { id, name, ...a });
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), hint, input);
}

// The status of a dossier as a coloured badge.
// "Quá hạn" next to the status when the dossier is late where it stands
// (the API's overdue_at: in progress, its legal deadline; submitted
// online, the working day it had to be received in), else null.
export function overdueBadge(d) {
  // a tracking answer stored before overdue_at existed: in progress, the
  // legal deadline is the limit
  const at = d.overdue_at !== undefined ? d.overdue_at : d.status === 'in_progress' ? d.due_at : null;
  if (!at || Date.now() <= Date.parse(at)) return null;
  return el('span', { class: 'badge overdue', id: 'overdue', text: t(d.status === 'submitted' ? 'overdue_reception' : 'overdue') });
}

export function statusBadge(status) {
  return el('span', { class: `badge st-${status}`, text: t('st_' + status) });
}

