// app.js - the citizen portal: procedure search (diacritics ignored by the
// server), a procedure's page, and public tracking (where the QR code on
// form 01 lands).  No framework, no inline script (the CSP forbids it),
// nothing secret kept in the browser.
const state = { lang: localStorage.getItem('lang') === 'en' ? 'en' : 'vi', t: {} };

async function loadStrings() {
  const res = await fetch(`/i18n/${state.lang}.json`);
  state.t = await res.json();
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}

const t = (k) => state.t[k] ?? k;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

// Vietnamese formats: dd/mm/yyyy, 24-hour times, đồng with dot separators.
function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  const local = new Date(d.getTime() + 7 * 3600 * 1000); // Asia/Ho_Chi_Minh, UTC+7 all year
  return `${p(local.getUTCDate())}/${p(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ` +
    `${p(local.getUTCHours())}:${p(local.getUTCMinutes())}`;
}
const money = (n) => (n === 0 ? t('free') : new Intl.NumberFormat('vi-VN').format(n) + ' đ');

async function api(path) {
  const res = await fetch(path, { headers: { 'Accept-Language': state.lang } });
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

function go(path) {
  history.pushState(null, '', path);
  route();
}

// ---- home: search as you type, and the tracking box ----
function home(view) {
  const input = el('input', { id: 'q', type: 'search', autocomplete: 'off', 'aria-describedby': 'q-hint' });
  const list = el('ul', { id: 'results', class: 'results', 'aria-live': 'polite', 'aria-label': t('results') });
  let timer = 0, seq = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      const mine = ++seq;
      const { status, body } = await api(`/api/v1/procedures?limit=20${q ? '&q=' + encodeURIComponent(q) : ''}`);
      if (mine !== seq) return; // an older answer arriving late
      list.replaceChildren();
      if (status !== 200) { list.append(el('li', { text: t('error') })); return; }
      if (!body.items.length) list.append(el('li', { text: t('search_none') }));
      for (const p of body.items) {
        const a = el('a', { href: `/thu-tuc/${p.code}`, text: state.lang === 'en' ? p.name_en : p.name });
        a.addEventListener('click', (e) => { e.preventDefault(); go(`/thu-tuc/${p.code}`); });
        list.append(el('li', {}, a, el('span', { class: 'code', text: ` ${p.code} · ${p.field}` })));
      }
    }, 150);
  });
  const search = el('section', { class: 'card' },
    el('h1', { text: t('search_label') }),
    el('label', { for: 'q', text: t('search_label') }),
    input,
    el('p', { id: 'q-hint', class: 'hint', text: t('search_hint') }),
    list);
  view.replaceChildren(search, trackForm());
  input.dispatchEvent(new Event('input'));
}

function trackForm(code = '', secret = '') {
  const c = el('input', { id: 'ma', name: 'ma', value: code, required: '', autocomplete: 'off' });
  const s = el('input', { id: 's', name: 's', value: secret, required: '', autocomplete: 'off' });
  const form = el('form', { class: 'card', action: '/tra-cuu', method: 'get' },
    el('h2', { text: t('track_title') }),
    el('label', { for: 'ma', text: t('track_code') }), c,
    el('label', { for: 's', text: t('track_secret') }), s,
    el('button', { type: 'submit', text: t('track_submit') }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(`/tra-cuu?ma=${encodeURIComponent(c.value.trim())}&s=${encodeURIComponent(s.value.trim())}`);
  });
  return form;
}

// ---- a procedure's page ----
async function procedure(view, code) {
  const { status, body: p } = await api(`/api/v1/procedures/${encodeURIComponent(code)}`);
  if (status !== 200) { view.replaceChildren(el('p', { text: t('search_none') }), backLink()); return; }
  const en = state.lang === 'en';
  const time = `${p.processing_time.value} ${t(p.processing_time.unit)}`;
  view.replaceChildren(el('article', { class: 'card' },
    el('h1', { text: en ? p.name_en : p.name }),
    el('p', { class: 'code', text: `${p.code} · ${en ? p.field_en : p.field} · ${t('online_' + p.online_level)}` }),
    el('h2', { text: t('processing_time') }), el('p', { text: time }),
    el('h2', { text: t('fees') }),
    el('ul', {}, ...p.fees.map((f) => el('li', { text: `${t(f.channel)}: ${money(f.amount)}` }))),
    el('h2', { text: t('papers') }),
    el('ul', {}, ...p.papers.map((x) => el('li', { text: `${x.name} (${t(x.kind)}, ${x.count})` }))),
    el('h2', { text: t('result_doc') }), el('p', { text: en ? (p.result_en || p.result) : p.result }),
    el('h2', { text: t('legal_basis') }),
    el('ul', {}, ...p.legal_basis.map((b) => el('li', { text: b })))), backLink());
}

// ---- public tracking ----
async function track(view, code, secret) {
  const form = trackForm(code, secret);
  if (!code || !secret) { view.replaceChildren(form, backLink()); return; }
  const { status, body: d } = await api(`/api/v1/track/${encodeURIComponent(code)}?s=${encodeURIComponent(secret)}`);
  if (status !== 200) {
    view.replaceChildren(el('p', { class: 'error', role: 'alert', text: t(status === 429 ? 'track_busy' : 'track_none') }), form, backLink());
    return;
  }
  // data-label repeats the column name on a phone, where the rows stack
  const cell = (label, text) => el('td', { 'data-label': label, text });
  const rows = d.steps.map((s) => el('tr', {},
    cell(t('step'), String(s.seq)), cell('', s.name), cell(t('unit'), s.unit.name),
    cell(t('due'), when(s.due_at)), cell(t('finished'), when(s.finished_at)),
    cell(t('result'), s.result ? t(s.result) : '—')));
  view.replaceChildren(el('article', { class: 'card', id: 'dossier' },
    el('h1', { text: d.code }),
    el('p', { text: state.lang === 'en' ? d.procedure.name_en : d.procedure.name }),
    el('dl', {},
      el('dt', { text: t('status') }), el('dd', { id: 'status', text: t('st_' + d.status) }),
      el('dt', { text: t('received') }), el('dd', { text: when(d.received_at) }),
      el('dt', { text: t('appointment') }), el('dd', { text: when(d.due_at) })),
    el('h2', { text: t('steps') }),
    el('table', {}, el('thead', {}, el('tr', {}, ...['step', 'steps', 'unit', 'due', 'finished', 'result']
      .map((k) => el('th', { scope: 'col', text: k === 'steps' ? '' : t(k) })))), el('tbody', {}, ...rows))), backLink());
}

function backLink() {
  const a = el('a', { href: '/', text: t('back'), class: 'back' });
  a.addEventListener('click', (e) => { e.preventDefault(); go('/'); });
  return a;
}

async function route() {
  const view = document.getElementById('view');
  const path = location.pathname;
  const qs = new URLSearchParams(location.search);
  if (path.startsWith('/thu-tuc/')) await procedure(view, decodeURIComponent(path.slice(9)));
  else if (path === '/tra-cuu') await track(view, qs.get('ma') || '', qs.get('s') || '');
  else home(view);
}

document.getElementById('lang').addEventListener('click', async () => {
  state.lang = state.lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('lang', state.lang); // a preference, nothing secret
  await loadStrings();
  route();
});
window.addEventListener('popstate', route);
await loadStrings();
route();
