// pages/office.js - the officials' work queues: one tab per queue with its
// count (GET /api/v1/queues), the dossiers of the chosen queue
// (GET /api/v1/queues/{name}) filtered by procedure, part of the code,
// status and reception dates, and "load more" with the keyset cursor.  The
// tab and the filters live in the address (?queue=&procedure=&q=...) so
// that reload, back and a shared link show the same list.  Also the
// helpers the other officials' pages share: the sign-in guard and the due
// date with its early / on time / late colour.
import { state, t, el, api, go, link, page, pick, when, num, alertBox, statusBadge, isOfficial, can, showFieldErrors, clearFieldErrors, dateInput, isoDay } from '../lib.js';

// Queues in the order an official works through them.  `all` has no count.
const QUEUES = ['receive', 'process', 'return', 'due_soon', 'overdue', 'supplement', 'mine', 'all'];
const STATUSES = ['submitted', 'supplement_requested', 'in_progress', 'result_ready', 'returned', 'refused', 'withdrawn', 'stopped'];
const FILTERS = ['procedure', 'q', 'status', 'from', 'to'];
const DATES = ['from', 'to']; // typed dd/mm/yyyy, yyyy-mm-dd in the address and to the API
const DAY_MS = 86400000;

// Officials only: nobody signed in goes to the login page and comes back;
// a citizen is told the page is not for them.  Returns true when the page
// may be shown.
export function officialOnly(view, perm = 'dossier.process') {
  if (!state.me) {
    go(`/dang-nhap?next=${encodeURIComponent(location.pathname + location.search)}`, true);
    return false;
  }
  if (!isOfficial() || (perm && !can(perm))) {
    page(view, t('of_forbidden_title'), el('p', { class: 'warning', role: 'alert', text: t('of_forbidden') }),
      link('/', t('back'), { class: 'back' }));
    return false;
  }
  return true;
}

// Where a dossier stands against its due date: late (past it), soon (less
// than a day left), ok; done dossiers by their result.
export function dueState(dueIso, resultStatus, status) {
  if (resultStatus) return resultStatus; // early | on_time | late
  if (!dueIso || !['in_progress', 'supplement_requested', 'submitted'].includes(status)) return null;
  const left = new Date(dueIso).getTime() - Date.now();
  return left < 0 ? 'late' : left < DAY_MS ? 'soon' : 'ok';
}

// The due date with its state, in words as well as colour.
export function dueCell(dueIso, resultStatus, status) {
  const s = dueState(dueIso, resultStatus, status);
  const wrap = el('span', { class: `due due-${s || 'none'}` }, el('time', { datetime: dueIso || '', text: when(dueIso) }));
  if (s) wrap.append(' ', el('span', { class: 'due-word', text: t('of_due_' + s) }));
  return wrap;
}

function queryOf(qs) {
  const f = {};
  for (const k of [...FILTERS, ...SCOPE]) f[k] = (qs.get(k) || '').trim();
  if (!LATE.includes(f.late)) f.late = '';
  if (!/^\d{1,12}$/.test(f.agency)) f.agency = '';
  return f;
}

// Kept in the address but not in the filter form: the list behind a
// dashboard figure (only the late ones, of one agency).
const SCOPE = ['late', 'agency'];
const LATE = ['deadline', 'reception', 'all'];

function addressOf(queue, f) {
  const p = new URLSearchParams({ queue });
  for (const k of [...FILTERS, ...SCOPE]) if (f[k]) p.set(k, f[k]);
  return `/can-bo?${p}`;
}

let procedures = null; // the catalogue, fetched once per visit
function catalogue() {
  if (!procedures) {
    procedures = api('GET', '/api/v1/procedures?limit=200')
      .then((r) => (r.status === 200 ? r.body.items : []));
  }
  return procedures;
}

export async function queues(view, qs) {
  if (!officialOnly(view)) return;
  const defQueue = state.me.roles?.includes('clerk') ? 'receive' : 'process';
  const queue = QUEUES.includes(qs.get('queue')) ? qs.get('queue') : defQueue;
  const f = queryOf(qs);

  const tabs = el('ul', { class: 'tabs', id: 'queue-tabs' });
  const tabLinks = new Map();
  for (const name of QUEUES) {
    const a = link(addressOf(name, f), t('of_q_' + name), name === queue ? { 'aria-current': 'page', id: `tab-${name}` } : { id: `tab-${name}` });
    if (name !== 'all') a.append(' ', el('span', { class: 'count', 'data-queue': name }), el('span', { class: 'sr-only count-word' }));
    tabLinks.set(name, a);
    tabs.append(el('li', {}, a));
  }
  const hint = el('p', { class: 'hint', id: 'queue-hint', text: t('of_qh_' + queue) });
  // the list behind a figure: say so, with the way back to the whole queue
  const scope = f.late || f.agency ? el('p', { class: 'warning', id: 'queue-scope' },
    f.late ? t('of_scope_late_' + f.late) : t('of_scope_agency'), ' ',
    el('span', { id: 'scope-agency' }), ' ',
    link(addressOf(queue, { ...f, late: '', agency: '' }), t('of_scope_clear'))) : null;
  if (f.agency) {
    api('GET', `/api/v1/agencies/${f.agency}`).then((r) => {
      if (r.status === 200) document.getElementById('scope-agency')?.replaceChildren(`(${pick(r.body)})`);
    });
  }

  // filters: a GET form, its values written to the address
  const procSelect = el('select', { id: 'flt-procedure', name: 'procedure' },
    el('option', { value: '', text: t('of_all_procedures') }));
  const statusField = queue === 'all' || queue === 'mine'
    ? el('div', { class: 'field' }, el('label', { for: 'flt-status', text: t('status') }),
      el('select', { id: 'flt-status', name: 'status' },
        el('option', { value: '', text: t('of_all_statuses') }),
        ...STATUSES.map((s) => el('option', { value: s, text: t('st_' + s), selected: f.status === s }))))
    : null;
  const filters = el('form', { class: 'card filters', role: 'search', 'aria-label': t('of_filters'), novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'flt-procedure', text: t('of_procedure') }), procSelect),
    el('div', { class: 'field' }, el('label', { for: 'flt-q', text: t('of_code_search') }),
      el('input', { id: 'flt-q', name: 'q', type: 'search', value: f.q, maxlength: '40', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'flt-q-hint' }),
      el('p', { class: 'hint', id: 'flt-q-hint', text: t('of_code_search_hint') })),
    statusField,
    ...DATES.map((k) => el('div', { class: 'field' }, el('label', { for: `flt-${k}`, text: t(`of_received_${k}`) }),
      dateInput({ id: `flt-${k}`, name: k, value: f[k], placeholder: t('of_date_placeholder'), 'aria-describedby': `flt-${k}-hint` }),
      el('p', { class: 'hint', id: `flt-${k}-hint`, text: t('of_date_hint_short') }))),
    el('div', { class: 'actions filter-actions' },
      el('button', { type: 'submit', class: 'primary', text: t('of_filter') }),
      FILTERS.some((k) => f[k]) ? link(addressOf(queue, {}), t('of_clear_filters'), { class: 'button' }) : null));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(filters);
    const nf = {};
    for (const k of FILTERS) nf[k] = filters.elements[k] ? filters.elements[k].value.trim() : '';
    const bad = DATES.filter((k) => nf[k] && !isoDay(nf[k]));
    if (bad.length) {
      const m = t('of_date_bad');
      showFieldErrors(filters, { status: 422, body: { errors: bad.map((field) => ({ field, message: m, message_vi: m, message_en: m })) } });
      return;
    }
    for (const k of DATES) nf[k] = nf[k] && isoDay(nf[k]);
    go(addressOf(queue, nf));
  });

  const status = el('p', { class: 'sr-only', id: 'queue-status', role: 'status', 'aria-live': 'polite' });
  const tbody = el('tbody', {});
  const table = el('table', { class: 'stack queue', id: 'queue-table' },
    el('caption', { class: 'sr-only', text: t('of_q_' + queue) }),
    el('thead', {}, el('tr', {}, ...['of_code', 'of_procedure', 'of_applicant', 'status', 'of_received', 'of_due']
      .map((k) => el('th', { scope: 'col', text: t(k) })))),
    tbody);
  const empty = el('p', { class: 'notice', id: 'queue-empty', hidden: true, text: t('of_queue_empty') });
  const more = el('button', { type: 'button', id: 'load-more', hidden: true, text: t('of_load_more') });
  const err = el('div', { id: 'queue-error' });

  page(view, t('of_queues_title'),
    el('nav', { 'aria-label': t('of_queues_nav') }, tabs),
    hint,
    scope,
    filters,
    err,
    el('section', { class: 'card', 'aria-labelledby': 'queue-h' },
      el('h2', { id: 'queue-h', text: t('of_q_' + queue) }),
      table, empty, el('div', { class: 'actions' }, more), status));

  catalogue().then((items) => {
    for (const p of items) procSelect.append(el('option', { value: p.code, text: `${p.code} · ${pick(p)}`, selected: f.procedure === p.code }));
  });

  // counts on the tabs, refreshed every minute while the page is open
  const counts = async () => {
    const r = await api('GET', '/api/v1/queues');
    if (r.status !== 200) return;
    for (const [name, a] of tabLinks) {
      const c = a.querySelector('.count');
      if (!c) continue;
      const n = r.body[name] ?? 0;
      c.textContent = num(n);
      a.querySelector('.count-word').textContent = ` ${t('of_dossiers_word')}`;
    }
  };
  counts();
  const timer = setInterval(counts, 60000);

  let before = 0;
  let shown = 0;
  const load = async () => {
    more.disabled = true;
    const p = new URLSearchParams({ limit: '50' });
    for (const k of FILTERS) if (f[k]) p.set(k, f[k]);
    if (f.late) p.set('late', f.late);
    if (f.agency) p.set('agency_id', f.agency);
    if (before) p.set('before', String(before));
    const r = await api('GET', `/api/v1/queues/${queue}?${p}`);
    more.disabled = false;
    if (r.status !== 200) {
      if (r.status === 422) {
        const rest = showFieldErrors(filters, r);
        err.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
      } else {
        err.replaceChildren(alertBox(r));
      }
      return;
    }
    clearFieldErrors(filters);
    err.replaceChildren();
    for (const d of r.body.items) tbody.append(row(d));
    shown += r.body.items.length;
    before = r.body.next_before || 0;
    more.hidden = !before;
    empty.hidden = shown > 0;
    table.hidden = shown === 0;
    status.textContent = t('of_shown', { n: num(shown) });
  };
  more.addEventListener('click', async () => {
    const last = tbody.lastElementChild;
    await load();
    // keyboard users carry on from the first new row
    const next = last ? last.nextElementSibling : tbody.firstElementChild;
    next?.querySelector('a')?.focus();
  });
  await load();
  return () => clearInterval(timer);
}

function row(d) {
  const cell = (label, ...children) => el('td', { 'data-label': label }, ...children);
  const name = state.lang === 'en' ? (d.procedure_name_en || d.procedure_name) : d.procedure_name;
  return el('tr', {},
    cell(t('of_code'), link(`/can-bo/ho-so/${encodeURIComponent(d.code)}`, d.code, { class: 'dossier-code' }),
      el('span', { class: 'channel', text: ` · ${t(d.channel === 'online' ? 'online' : 'counter')}` })),
    cell(t('of_procedure'), name || d.procedure_code, el('span', { class: 'code', text: ` (${d.procedure_code})` }),
      d.linked_application ? el('span', { class: 'linked-of' }, el('br'), t('of_linked_part_of', { code: d.linked_application })) : null),
    cell(t('of_applicant'), d.applicant_name || '—'),
    cell(t('status'), statusBadge(d.status)),
    cell(t('of_received'), when(d.received_at || d.submitted_at)),
    cell(t('of_due'), d.due_at ? dueCell(d.due_at, d.result_status, d.status) : '—'));
}
