// pages/documents.js - official documents (văn bản, Decree 30/2020): the
// official's work list, which is also the leader's inbox on a phone
// (GET /api/v1/my/document-tasks, the most urgent first); the register of
// the agency with its search (GET /api/v1/documents); the clerical
// officer's registering of an incoming document, keyboard-first like the
// counter intake, which ends by sending it to a leader; and a document's
// page: what it is, what the caller may do now (the API's `actions`), who
// received, opened and handled it, and its trail.
import { needStrings, state, t, el, api, go, link, page, pick, when, day, num, todayVN, isoDay, dateInput, upload, newKey, alertBox, showFieldErrors, clearFieldErrors, can, field, bytes } from '../lib.js';
import { officialOnly } from './office.js';

const STATES = ['pending', 'unopened', 'due_soon', 'overdue', 'done'];
const URGENCIES = ['normal', 'khan', 'thuong_khan', 'hoa_toc'];
const SECRECIES = ['none', 'mat', 'toi_mat', 'tuyet_mat'];
const DAY_MS = 86400000;

// "Khẩn", "Hỏa tốc": in words, not only colour; nothing for a normal one.
const urgencyBadge = (u) => (u && u !== 'normal' ? el('span', { class: `badge urg urg-${u}`, text: t('dc_urg_' + u) }) : null);
const secrecyBadge = (s) => (s && s !== 'none' ? el('span', { class: 'badge secret', text: t('dc_sec_' + s) }) : null);
const statusBadge = (s) => el('span', { class: `badge dst-${s}`, text: t('dc_st_' + s) });

// A task's deadline (a day, yyyy-mm-dd) with how it stands, in words.
function dueOf(due, done) {
  if (!due) return null;
  const end = Date.parse(`${due}T23:59:59+07:00`);
  const s = done ? null : end < Date.now() ? 'late' : end - Date.now() < 3 * DAY_MS ? 'soon' : null;
  const wrap = el('span', { class: `due due-${s || 'ok'}` }, el('time', { datetime: due, text: day(`${due}T12:00:00+07:00`) }));
  if (s) wrap.append(' ', el('span', { class: 'due-word', text: t('dc_due_' + s) }));
  return wrap;
}

// Its identity as people say it: the sender's number and symbol for an
// incoming one ("512/SXD-PC"), its own for an outgoing one.
const refOf = (d) => (d.direction === 'in' ? d.sender_ref || t('dc_no_ref') : d.number_text);

// ---- the work list (and the leader's inbox) ----

export async function work(view, qs) {
  await needStrings('documents');
  if (!officialOnly(view, 'document.read')) return;
  const which = STATES.includes(qs.get('state')) ? qs.get('state') : 'pending';
  const tabs = el('ul', { class: 'tabs', id: 'doc-tabs' },
    ...STATES.map((s) => el('li', {}, link(`/can-bo/van-ban?state=${s}`, t('dc_tab_' + s), s === which ? { 'aria-current': 'page', id: `tab-${s}` } : { id: `tab-${s}` }))));
  const list = el('ul', { class: 'doc-cards', id: 'doc-tasks', 'aria-label': t('dc_tab_' + which) });
  const more = el('div', { class: 'actions' });
  const status = el('div', { 'aria-live': 'polite' });
  const top = el('div', { class: 'actions doc-links' },
    can('document.register') ? link('/can-bo/so-van-ban/vao-so', t('dc_register_in'), { class: 'button primary', id: 'go-register' }) : null,
    link('/can-bo/so-van-ban', t('dc_register_title'), { class: 'button', id: 'go-book' }),
    link('/can-bo/du-thao', t('df_title'), { class: 'button', id: 'go-drafts' }));
  page(view, t('dc_work_title'), top, tabs, el('p', { class: 'hint', text: t('dc_tab_hint_' + which) }), status, list, more);

  const load = async (offset) => {
    const r = await api('GET', `/api/v1/my/document-tasks?state=${which}&limit=50&offset=${offset}`);
    if (r.status !== 200) { status.replaceChildren(alertBox(r)); return; }
    if (!offset && !r.body.items.length) list.replaceWith(el('p', { class: 'hint', id: 'doc-none', text: t('dc_none_' + which) }));
    for (const task of r.body.items) list.append(card(task));
    more.replaceChildren();
    if (r.body.next_offset) {
      more.append(el('button', { type: 'button', id: 'load-more', text: t('of_load_more'), onclick: () => load(r.body.next_offset) }));
    }
  };
  await load(0);
}

// One task as a card the whole of which is a link (a large target on a
// phone): what to do, the document at a glance, the deadline.
function card(task) {
  const d = task.document || {};
  const unopened = !task.viewed_at && task.status === 'pending';
  return el('li', { class: `doc-card${unopened ? ' unopened' : ''}` },
    el('div', { class: 'doc-card-head' },
      urgencyBadge(d.urgency),
      el('span', { class: 'task-kind', text: t('dc_kind_' + task.kind) }),
      unopened ? el('span', { class: 'badge unseen', text: t('dc_unopened') }) : null,
      task.status === 'done' ? el('span', { class: 'badge seen', text: t('dc_task_done') }) : null),
    // the summary is the link, stretched over the whole card (CSS)
    el('p', { class: 'doc-summary' }, link(`/can-bo/van-ban/${d.id}`, d.summary, { class: 'doc-card-link' })),
    el('p', { class: 'doc-meta' }, [refOf(d), d.sender, d.doc_date ? day(`${d.doc_date}T12:00:00+07:00`) : null].filter(Boolean).join(' · ')),
    el('p', { class: 'doc-meta' },
      t('dc_from', { name: task.from?.full_name || '—', at: when(task.arrived_at) }),
      task.due_date ? el('span', {}, ' · ', t('dc_due'), ' ', dueOf(task.due_date, task.status === 'done')) : null));
}

// ---- the register ----

export async function book(view, qs) {
  await needStrings('documents');
  if (!officialOnly(view, 'document.read')) return;
  const f = {
    direction: ['in', 'out'].includes(qs.get('direction')) ? qs.get('direction') : '',
    q: (qs.get('q') || '').trim().slice(0, 200),
    year: /^\d{4}$/.test(qs.get('year') || '') ? qs.get('year') : '',
  };
  const thisYear = Number(todayVN().slice(0, 4));
  const form = el('form', { class: 'card filters', role: 'search', 'aria-label': t('dc_search'), novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'dc-q', text: t('dc_search') }),
      el('input', { id: 'dc-q', name: 'q', type: 'search', value: f.q, maxlength: '200', autocomplete: 'off', 'aria-describedby': 'dc-q-hint' }),
      el('p', { class: 'hint', id: 'dc-q-hint', text: t('dc_search_hint') })),
    el('div', { class: 'field' }, el('label', { for: 'dc-dir', text: t('dc_direction') }),
      el('select', { id: 'dc-dir', name: 'direction' },
        ...['', 'in', 'out'].map((v) => el('option', { value: v, selected: f.direction === v, text: t('dc_dir_' + (v || 'all')) })))),
    el('div', { class: 'field' }, el('label', { for: 'dc-year', text: t('dc_year') }),
      el('select', { id: 'dc-year', name: 'year' },
        el('option', { value: '', text: t('dc_year_all') }),
        ...[0, 1, 2, 3, 4].map((k) => String(thisYear - k)).map((y) => el('option', { value: y, selected: f.year === y, text: y })))),
    el('div', { class: 'filter-actions' }, el('button', { type: 'submit', class: 'primary', text: t('dc_search_submit') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const k of ['q', 'direction', 'year']) if (form.elements[k].value.trim()) p.set(k, form.elements[k].value.trim());
    go(`/can-bo/so-van-ban${p.size ? '?' + p : ''}`);
  });
  const body = el('tbody', { id: 'book-rows' });
  const cell = (label, ...c) => el('td', { 'data-label': label }, ...c);
  const table = el('table', { class: 'stack book' },
    el('caption', { class: 'sr-only', text: t('dc_register_title') }),
    el('thead', {}, el('tr', {}, ...['dc_col_no', 'dc_col_arrived', 'dc_col_ref', 'dc_col_from', 'dc_col_summary', 'dc_col_status']
      .map((k) => el('th', { scope: 'col', text: t(k) })))),
    body);
  const more = el('div', { class: 'actions' });
  const status = el('div', { 'aria-live': 'polite' });
  page(view, t('dc_register_title'),
    el('div', { class: 'actions doc-links' },
      can('document.register') ? link('/can-bo/so-van-ban/vao-so', t('dc_register_in'), { class: 'button primary', id: 'go-register' }) : null,
      link('/can-bo/van-ban', t('dc_work_title'), { class: 'button' })),
    form, status, table, more);

  const load = async (before) => {
    const p = new URLSearchParams({ limit: '50' });
    for (const k of ['q', 'direction', 'year']) if (f[k]) p.set(k, f[k]);
    if (before) p.set('before', String(before));
    const r = await api('GET', `/api/v1/documents?${p}`);
    if (r.status !== 200) { status.replaceChildren(alertBox(r)); return; }
    if (!before && !r.body.items.length) status.replaceChildren(el('p', { class: 'hint', id: 'book-none', text: t('dc_book_none') }));
    for (const d of r.body.items) {
      body.append(el('tr', {},
        cell(t('dc_col_no'), el('strong', {}, link(`/can-bo/van-ban/${d.id}`, d.direction === 'in' ? t('dc_in_no', { n: d.number_text }) : d.number_text))),
        cell(t('dc_col_arrived'), d.direction === 'in' ? when(d.arrived_at) : day(`${d.doc_date}T12:00:00+07:00`)),
        cell(t('dc_col_ref'), d.direction === 'in' ? `${d.sender_ref || '—'} · ${day(`${d.doc_date}T12:00:00+07:00`)}` : pick(d.type)),
        cell(t('dc_col_from'), d.direction === 'in' ? d.sender || '—' : d.signer?.name || '—'),
        cell(t('dc_col_summary'), urgencyBadge(d.urgency), secrecyBadge(d.secrecy), ' ', d.summary),
        cell(t('dc_col_status'), statusBadge(d.status))));
    }
    more.replaceChildren();
    if (r.body.next_before) more.append(el('button', { type: 'button', id: 'load-more', text: t('of_load_more'), onclick: () => load(r.body.next_before) }));
  };
  await load(0);
}

// ---- registering an incoming document ----

let types = null; // the 29 types of Decree 30 and the specialised ones, fetched once per visit
function documentTypes() {
  if (!types) types = api('GET', '/api/v1/document-types').then((r) => (r.status === 200 ? r.body.items : []));
  return types;
}
let fields = null; // the fields documents are about: the agency's rules propose a leader by them
export function documentFields() {
  if (!fields) fields = api('GET', '/api/v1/document-fields').then((r) => (r.status === 200 ? r.body.items : []));
  return fields;
}
// The select of a document's field, none said by default.
export const fieldSelect = (id, all, current) => el('select', { id, name: 'field_code' },
  el('option', { value: '', text: t('dc_field_none') }),
  ...all.map((f) => el('option', { value: f.code, selected: f.code === current, text: pick(f) })));

export async function registerIn(view) {
  await needStrings('documents');
  if (!officialOnly(view, 'document.register')) return;
  const [kinds, subjects] = await Promise.all([documentTypes(), documentFields()]);
  const form = el('form', { class: 'intake doc-register', id: 'reg-form', novalidate: true });
  const select = (name, id, values, prefix, def) => el('select', { id, name },
    ...values.map((v) => el('option', { value: v, selected: v === def, text: t(prefix + v) })));
  const fileInput = el('input', { id: 'reg-file', type: 'file', accept: 'application/pdf,image/jpeg,image/png', 'aria-describedby': 'reg-file-hint' });
  const fileMsg = el('p', { class: 'hint', id: 'reg-file-msg', 'aria-live': 'polite' });
  form.append(
    el('p', { class: 'hint', id: 'reg-keys', text: t('dc_reg_keys') }),
    el('fieldset', { class: 'card' }, el('legend', { text: t('dc_reg_origin') }),
      field('sender', t('dc_sender') + ' *', { id: 'reg-sender', maxlength: '300', autocomplete: 'off', required: true }),
      el('div', { class: 'grid2 tight' },
        field('sender_ref', t('dc_sender_ref'), { id: 'reg-ref', maxlength: '60', autocomplete: 'off', spellcheck: 'false', hint: t('dc_sender_ref_hint') }),
        el('div', { class: 'field' }, el('label', { for: 'reg-date', text: t('dc_doc_date') + ' *' }),
          el('p', { class: 'hint', id: 'reg-date-hint', text: t('dc_date_hint') }),
          dateInput({ id: 'reg-date', name: 'doc_date', required: true, 'aria-describedby': 'reg-date-hint' })))),
    el('fieldset', { class: 'card' }, el('legend', { text: t('dc_reg_content') }),
      el('div', { class: 'field' }, el('label', { for: 'reg-type', text: t('dc_type') + ' *' }),
        el('select', { id: 'reg-type', name: 'type_code' },
          ...kinds.map((k) => el('option', { value: k.code, selected: k.code === 'cong_van', text: pick(k) })))),
      field('summary', t('dc_summary') + ' *', { id: 'reg-summary', tag: 'textarea', rows: '3', maxlength: '1000', required: true, hint: t('dc_summary_hint') }),
      el('div', { class: 'field' }, el('label', { for: 'reg-field', text: t('dc_field') }),
        el('p', { class: 'hint', id: 'reg-field-hint', text: t('dc_field_hint') }), fieldSelect('reg-field', subjects, '')),
      el('div', { class: 'grid2 tight' },
        el('div', { class: 'field' }, el('label', { for: 'reg-urgency', text: t('dc_urgency') }), select('urgency', 'reg-urgency', URGENCIES, 'dc_urg_', 'normal')),
        el('div', { class: 'field' }, el('label', { for: 'reg-secrecy', text: t('dc_secrecy') }), select('secrecy', 'reg-secrecy', SECRECIES, 'dc_sec_', 'none')),
        field('pages', t('dc_pages'), { id: 'reg-pages', inputmode: 'numeric', maxlength: '5', autocomplete: 'off' }),
        el('div', { class: 'field' }, el('label', { for: 'reg-medium', text: t('dc_medium') }), select('medium', 'reg-medium', ['paper', 'electronic'], 'dc_medium_', 'paper')))),
    el('fieldset', { class: 'card' }, el('legend', { text: t('dc_file') }),
      el('div', { class: 'field', 'data-field': 'file_sha256' }, el('label', { for: 'reg-file', text: t('dc_file_label') }),
        el('p', { class: 'hint', id: 'reg-file-hint', text: t('dc_file_hint') }), fileInput, fileMsg)),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'reg-submit', text: t('dc_reg_submit') })));
  const status = el('div', { id: 'reg-status' });

  // the scan goes up as soon as it is chosen; the register names it
  let sha = '';
  fileInput.addEventListener('change', async () => {
    sha = '';
    const file = fileInput.files[0];
    if (!file) { fileMsg.textContent = ''; return; }
    fileMsg.textContent = t('dc_uploading', { name: file.name });
    const r = await upload(file, (p) => { fileMsg.textContent = t('dc_uploading_pct', { name: file.name, pct: Math.round(p * 100) }); });
    if (r.status === 201) {
      sha = r.body.sha256;
      fileMsg.textContent = t('dc_uploaded', { name: file.name, size: bytes(r.body.size) });
      form.elements.medium.value = 'electronic';
    } else {
      fileMsg.replaceChildren(alertBox(r));
      fileInput.value = '';
    }
  });

  // Ctrl+Enter registers from anywhere in the form (a summary box takes
  // Enter for itself)
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); }
  });
  let pending = null; // a lost answer is retried with the same Idempotency-Key
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const v = (k) => form.elements[k].value.trim();
    const errs = [];
    const bad = (field, key) => errs.push({ field, message: t(key), message_vi: t(key), message_en: t(key) });
    if (!v('sender')) bad('sender', 'of_required');
    if (!v('summary')) bad('summary', 'of_required');
    const date = isoDay(v('doc_date'));
    if (!date) bad('doc_date', v('doc_date') ? 'of_date_bad' : 'of_required');
    if (v('pages') && !/^\d{1,5}$/.test(v('pages'))) bad('pages', 'dc_pages_bad');
    if (errs.length) { showFieldErrors(form, { status: 422, body: { errors: errs } }); return; }
    const body = {
      type_code: v('type_code'), summary: v('summary'), doc_date: date, sender: v('sender'),
      urgency: v('urgency'), secrecy: v('secrecy'), medium: v('medium'),
    };
    if (v('sender_ref')) body.sender_ref = v('sender_ref');
    if (v('field_code')) body.field_code = v('field_code');
    if (v('pages')) body.pages = Number(v('pages'));
    if (sha) body.file_sha256 = sha;
    const what = JSON.stringify(body);
    if (!pending || pending.what !== what) pending = { what, key: newKey() };
    const btn = form.querySelector('#reg-submit');
    btn.disabled = true;
    const r = await api('POST', '/api/v1/documents/incoming', body, { key: pending.key });
    btn.disabled = false;
    if (r.status !== 0 && r.status < 500) pending = null;
    if (r.status === 201) { registered(view, r.body); return; }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  page(view, t('dc_reg_title'), form, status);
  form.elements.sender.focus();
}

// Registered: its arrival number, then at once the choice of the leader
// it goes to (the agency's rule: the head unless another leader is
// chosen), and "register the next one".
async function registered(view, d) {
  const again = el('button', { type: 'button', id: 'reg-again', text: t('dc_reg_again'), onclick: () => go('/can-bo/so-van-ban/vao-so', true) });
  const send = await sendForm(d, `"v${d.version}"`, (after) => {
    box.replaceChildren(el('p', { class: 'notice', role: 'status', id: 'sent', text: t('dc_sent_to', { name: after.leader }) }),
      el('div', { class: 'actions' }, again, link(`/can-bo/van-ban/${d.id}`, t('dc_open'), { class: 'button' })));
    again.focus();
  });
  const box = el('div', {}, send);
  page(view, t('dc_reg_done_title'),
    el('section', { class: 'card intake-done' },
      el('p', { class: 'notice', role: 'status', text: t('dc_reg_done', { n: d.number_text }) }),
      el('dl', {},
        el('dt', { text: t('dc_in_number') }), el('dd', { id: 'reg-number', class: 'big', text: d.number_text }),
        el('dt', { text: t('dc_arrived') }), el('dd', { text: when(d.arrived_at) }),
        el('dt', { text: t('dc_summary') }), el('dd', { text: d.summary })),
      box,
      el('div', { class: 'actions' }, again, link(`/can-bo/van-ban/${d.id}`, t('dc_open'), { class: 'button', id: 'reg-open' }))));
  document.getElementById('send-leader')?.focus();
}

// ---- a document ----

export async function doc(view, id, qs) {
  await needStrings('documents');
  if (!officialOnly(view, 'document.read')) return;
  if (!/^\d{1,18}$/.test(id)) { notFound(view); return; }
  const r = await api('GET', `/api/v1/documents/${id}`);
  if (r.status !== 200) {
    page(view, t('dc_doc_title'), alertBox(r), link('/can-bo/van-ban', t('dc_back'), { class: 'back' }));
    return;
  }
  const d = r.body;
  const etag = r.headers.get('ETag') || `"v${d.version}"`;
  const done = qs && qs.get('done');
  const flash = done && t('dc_done_' + done) !== 'dc_done_' + done
    ? el('p', { class: 'notice', role: 'status', id: 'done', text: t('dc_done_' + done) }) : null;
  const acts = await actionsSection(d, etag);
  // sent to or received from agencies elsewhere (edXML)
  const { documentPanel } = await import('./exchange.js');
  const exchange = await documentPanel(d, can('document.register'));
  page(view, `${pick(d.type)} ${refOf(d)}`,
    flash,
    header(d),
    acts,
    exchange,
    recipientsSection(d),
    trailSection(d),
    link('/can-bo/van-ban', t('dc_back'), { class: 'back' }));
  if (done) history.replaceState(null, '', location.pathname);
}

function notFound(view) {
  page(view, t('dc_doc_title'), el('p', { class: 'error', role: 'alert', text: t('dc_not_found') }));
}

function header(d) {
  const row = (k, ...v) => [el('dt', { text: t(k) }), el('dd', {}, ...v)];
  const date = (x) => day(`${x}T12:00:00+07:00`);
  return el('section', { class: 'card doc-head', 'aria-labelledby': 'doc-sum' },
    el('p', { class: 'doc-badges' }, urgencyBadge(d.urgency), secrecyBadge(d.secrecy), ' ', el('span', { id: 'doc-status' }, statusBadge(d.status))),
    el('h2', { id: 'doc-sum', class: 'doc-summary-big', text: d.summary }),
    el('dl', { class: 'head-dl' },
      ...(d.direction === 'in'
        ? [...row('dc_in_number', el('span', { id: 'doc-number', text: `${d.number_text}/${d.year}` })),
          ...row('dc_arrived', when(d.arrived_at)),
          ...row('dc_sender', d.sender || '—'),
          ...row('dc_sender_ref', d.sender_ref || '—')]
        : [...row('dc_number', el('span', { id: 'doc-number', text: d.number_text })),
          ...row('dc_signer', d.signer ? `${d.signer.position || ''} ${d.signer.name}`.trim() : '—'),
          ...row('dc_recipients', (d.recipients || []).join('; ') || '—')]),
      ...row('dc_doc_date', date(d.doc_date)),
      ...row('dc_type', pick(d.type)),
      ...(d.field ? row('dc_field', pick(d.field)) : []),
      ...row('dc_pages', d.pages ? num(d.pages) : '—'),
      ...row('dc_medium', t('dc_medium_' + d.medium)),
      ...row('dc_registered_by', `${d.registered_by?.full_name || '—'} · ${pick(d.agency)}`),
      ...(d.readers ? row('dc_readers', d.readers.map((x) => x.full_name).join(', ')) : []),
      ...(d.dossier ? row('dc_dossier', link(`/can-bo/ho-so/${encodeURIComponent(d.dossier.code)}`, d.dossier.code, { id: 'doc-dossier' })) : [])),
    d.file_sha256 || d.draft_id ? el('p', { class: 'actions' },
      d.draft_id ? el('a', { href: `/api/v1/documents/${d.id}/pdf`, target: '_blank', rel: 'noopener', id: 'doc-pdf', class: 'button', text: t('dc_open_pdf') }) : null,
      d.draft_id ? link(`/can-bo/du-thao/${d.draft_id}`, t('dc_open_draft'), { class: 'button', id: 'doc-draft' }) : null,
      d.file_sha256 ? el('a', { href: `/api/v1/documents/${d.id}/file`, target: '_blank', rel: 'noopener', id: 'doc-file', class: 'button', text: t('dc_open_file') }) : null) : null);
}

// The forms of what the caller may do now; each posts with If-Match and
// draws the page again with what it did said at the top.
async function actionsSection(d, etag) {
  const acts = d.actions || [];
  if (!acts.length) return null;
  const box = el('section', { class: 'card', id: 'actions', 'aria-labelledby': 'act-h' },
    el('h2', { id: 'act-h', text: t('dc_actions') }));
  const reload = (a) => go(`/can-bo/van-ban/${d.id}?done=${a}`, true);
  for (const a of acts) {
    if (a === 'send_to_leader') box.append(await sendForm(d, etag, () => reload(a)));
    else if (a === 'direct') box.append(await directForm(d, etag, () => reload(a)));
    else if (a === 'assign') box.append(await assignForm(d, etag, () => reload(a)));
    else if (a === 'complete') box.append(completeForm(d, etag, () => reload(a)));
    else if (a === 'acknowledge') box.append(ackForm(d, etag, () => reload(a)));
  }
  return box;
}

// Post an action; on success call done(document after), else show the
// problem in the form.
async function act(form, d, etag, action, body, status, done) {
  clearFieldErrors(form);
  status.replaceChildren();
  const btn = form.querySelector('button[type="submit"]');
  btn.disabled = true;
  const r = await api('POST', `/api/v1/documents/${d.id}/actions/${action}`, body, { headers: { 'If-Match': etag } });
  btn.disabled = false;
  if (r.status === 200) { done(r.body); return; }
  const rest = r.status === 422 ? showFieldErrors(form, r) : [];
  status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  if (r.status === 412) status.append(el('p', {}, el('button', { type: 'button', text: t('dc_reload'), onclick: () => go(location.pathname, true) })));
}

async function addressees(d, action) {
  const r = await api('GET', `/api/v1/documents/${d.id}/addressees?action=${action}`);
  return r.status === 200 ? r.body.items : [];
}

const personLabel = (p) => [p.full_name, pick(p, 'position'), p.agency ? pick(p.agency) : null].filter(Boolean).join(' · ');

function actForm(id, title, ...children) {
  const status = el('div', { class: 'act-status', 'aria-live': 'polite' });
  const form = el('form', { class: 'act-form', id, novalidate: true, 'aria-labelledby': `${id}-h` },
    el('h3', { id: `${id}-h`, text: title }), ...children, status);
  return { form, status };
}

async function sendForm(d, etag, done) {
  const leaders = await addressees(d, 'send_to_leader');
  // the leader the agency's rule names for the document's field (else its head) comes first chosen
  const sel = el('select', { id: 'send-leader', name: 'leader_id', required: true },
    ...leaders.map((p) => el('option', { value: String(p.id), selected: !!p.proposed, text: p.proposed ? `${personLabel(p)} (${t('dc_proposed')})` : personLabel(p) })));
  const { form, status } = actForm('f-send', t('dc_act_send_to_leader'),
    el('div', { class: 'field' }, el('label', { for: 'send-leader', text: t('dc_leader') + ' *' }), sel),
    field('note', t('dc_note'), { id: 'send-note', tag: 'textarea', rows: '2', maxlength: '2000' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'send-submit', text: t('dc_act_send_to_leader') })));
  if (!leaders.length) status.append(el('p', { class: 'warning', text: t('dc_no_leader') }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { leader_id: Number(sel.value) };
    if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
    const leader = leaders.find((p) => String(p.id) === sel.value)?.full_name || '';
    act(form, d, etag, 'send_to_leader', body, status, () => done({ leader }));
  });
  return form;
}

// The leader's direction (bút phê): who leads, who coordinates, who is
// informed, the deadline and the note.  Made for a phone: one column,
// large targets, the lead first.
// The deadline the direction form proposes: a hỏa tốc document today, a
// thượng khẩn one the next working day, a khẩn one in 3 working days,
// another in 10 (the leader changes it at will).  Weekends and the
// calendar's days off are skipped.
const PROPOSED_DAYS = { hoa_toc: 0, thuong_khan: 1, khan: 3, normal: 10 };
async function proposedDue(urgency) {
  let n = PROPOSED_DAYS[urgency] ?? 10;
  const today = todayVN();
  const year = Number(today.slice(0, 4));
  const off = new Set();
  for (const y of [year, year + 1]) {
    const r = await api('GET', `/api/v1/calendar/holidays?year=${y}`);
    if (r.status === 200) for (const x of r.body.days_off || []) off.add(x.date);
  }
  const at = new Date(`${today}T00:00:00Z`);
  while (n > 0) {
    at.setUTCDate(at.getUTCDate() + 1);
    const iso = at.toISOString().slice(0, 10);
    if (at.getUTCDay() !== 0 && at.getUTCDay() !== 6 && !off.has(iso)) n--;
  }
  return at.toISOString().slice(0, 10);
}

async function directForm(d, etag, done) {
  const [people, due] = await Promise.all([addressees(d, 'direct'), proposedDue(d.urgency)]);
  const lead = el('select', { id: 'dir-lead', name: 'lead_user_id', required: true },
    el('option', { value: '', text: t('dc_choose') }),
    ...people.map((p) => el('option', { value: String(p.id), text: personLabel(p) })));
  const checks = (name, legend) => el('fieldset', { class: 'checks', 'data-field': name },
    el('legend', { class: 'sr-only', text: legend }), // the summary above shows it
    ...people.map((p) => el('div', { class: 'check' },
      el('input', { type: 'checkbox', id: `${name}-${p.id}`, value: String(p.id), name }),
      el('label', { for: `${name}-${p.id}`, text: personLabel(p) }))));
  const coord = el('details', { class: 'pick-people' }, el('summary', { text: t('dc_coordinate') }), checks('coordinate_user_ids', t('dc_coordinate')));
  const inform = el('details', { class: 'pick-people' }, el('summary', { text: t('dc_inform') }), checks('inform_user_ids', t('dc_inform')));
  const { form, status } = actForm('f-direct', t('dc_act_direct'),
    el('div', { class: 'field' }, el('label', { for: 'dir-lead', text: t('dc_lead') + ' *' }), lead),
    el('div', { class: 'field' }, el('label', { for: 'dir-due', text: t('dc_due_date') + ' *' }),
      el('p', { class: 'hint', id: 'dir-due-hint', text: t('dc_due_hint') }),
      dateInput({ id: 'dir-due', name: 'due_date', required: true, value: due, 'aria-describedby': 'dir-due-hint' })),
    field('note', t('dc_direction_note'), { id: 'dir-note', tag: 'textarea', rows: '3', maxlength: '2000', hint: t('dc_direction_note_hint') }),
    coord, inform,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'dir-submit', text: t('dc_act_direct') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const due = isoDay(form.elements.due_date.value);
    const errs = [];
    if (!lead.value) errs.push({ field: 'lead_user_id', message: t('of_required'), message_vi: t('of_required'), message_en: t('of_required') });
    if (!due) errs.push({ field: 'due_date', message: t('of_date_bad'), message_vi: t('of_date_bad'), message_en: t('of_date_bad') });
    if (errs.length) { showFieldErrors(form, { status: 422, body: { errors: errs } }); return; }
    const ids = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => Number(x.value));
    const body = { lead_user_id: Number(lead.value), due_date: due, coordinate_user_ids: ids('coordinate_user_ids'), inform_user_ids: ids('inform_user_ids') };
    if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
    act(form, d, etag, 'direct', body, status, done);
  });
  return form;
}

async function assignForm(d, etag, done) {
  const people = await addressees(d, 'assign');
  // the lead's own unit first: whom a department head usually hands it to
  const mine = state.me.agency?.id;
  people.sort((a, b) => (b.agency?.id === mine) - (a.agency?.id === mine));
  const sel = el('select', { id: 'asg-user', name: 'user_id', required: true },
    el('option', { value: '', text: t('dc_choose') }),
    ...people.map((p) => el('option', { value: String(p.id), text: personLabel(p) })));
  const { form, status } = actForm('f-assign', t('dc_act_assign'),
    el('p', { class: 'hint', text: t('dc_assign_hint') }),
    el('div', { class: 'field' }, el('label', { for: 'asg-user', text: t('dc_handler') + ' *' }), sel),
    field('note', t('dc_note'), { id: 'asg-note', tag: 'textarea', rows: '2', maxlength: '2000' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'asg-submit', text: t('dc_act_assign') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!sel.value) {
      showFieldErrors(form, { status: 422, body: { errors: [{ field: 'user_id', message: t('of_required'), message_vi: t('of_required'), message_en: t('of_required') }] } });
      return;
    }
    const body = { user_id: Number(sel.value) };
    if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
    act(form, d, etag, 'assign', body, status, done);
  });
  return form;
}

function completeForm(d, etag, done) {
  const { form, status } = actForm('f-complete', t('dc_act_complete'),
    field('result', t('dc_result') + ' *', { id: 'cmp-result', tag: 'textarea', rows: '3', maxlength: '2000', required: true, hint: t('dc_result_hint') }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'cmp-submit', text: t('dc_act_complete') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const result = form.elements.result.value.trim();
    if (!result) {
      showFieldErrors(form, { status: 422, body: { errors: [{ field: 'result', message: t('of_required'), message_vi: t('of_required'), message_en: t('of_required') }] } });
      return;
    }
    act(form, d, etag, 'complete', { result }, status, done);
  });
  return form;
}

function ackForm(d, etag, done) {
  const { form, status } = actForm('f-ack', t('dc_act_acknowledge'),
    el('p', { class: 'hint', text: t('dc_ack_hint') }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'ack-submit', text: t('dc_act_acknowledge') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    act(form, d, etag, 'acknowledge', {}, status, done);
  });
  return form;
}

// Who received it, when each first opened it, what each did and when.
function recipientsSection(d) {
  const tasks = d.tasks || [];
  const cell = (label, ...c) => el('td', { 'data-label': label }, ...c);
  return el('section', { class: 'card', id: 'recipients', 'aria-labelledby': 'rcp-h' },
    el('h2', { id: 'rcp-h', text: t('dc_recipients_h') }),
    tasks.length ? el('table', { class: 'stack' },
      el('caption', { class: 'sr-only', text: t('dc_recipients_h') }),
      el('thead', {}, el('tr', {}, ...['dc_col_person', 'dc_col_kind', 'dc_col_received', 'dc_col_opened', 'dc_col_due', 'dc_col_done']
        .map((k) => el('th', { scope: 'col', text: t(k) })))),
      el('tbody', {}, ...tasks.map((x) => el('tr', { 'data-user': String(x.to.id) },
        cell(t('dc_col_person'), el('strong', { text: x.to.full_name }), el('span', { class: 'hint', text: ` · ${t('dc_sent_by', { name: x.from.full_name })}` })),
        cell(t('dc_col_kind'), t('dc_kind_' + x.kind)),
        cell(t('dc_col_received'), when(x.arrived_at)),
        cell(t('dc_col_opened'), x.viewed_at ? el('span', { class: 'badge seen', text: when(x.viewed_at) }) : el('span', { class: 'badge unseen', text: t('dc_unopened') })),
        cell(t('dc_col_due'), dueOf(x.due_date, x.status === 'done') || '—'),
        cell(t('dc_col_done'), x.status === 'done' ? el('span', {}, when(x.done_at), x.result ? el('span', { class: 'hint', text: ` · ${x.result}` }) : null) : t('dc_not_yet')))))
    ) : el('p', { class: 'hint', text: t('dc_no_recipients') }));
}

function trailSection(d) {
  const names = new Map((d.tasks || []).map((x) => [x.to.id, x.to.full_name]));
  const detail = (e) => {
    const x = e.detail || {};
    if (e.action === 'send_to_leader') return names.get(x.leader_id);
    if (e.action === 'direct') return [t('dc_lead_is', { name: names.get(x.lead_user_id) || '' }), x.due_date ? t('dc_due_is', { at: day(`${x.due_date}T12:00:00+07:00`) }) : null].filter(Boolean).join(' · ');
    if (e.action === 'assign') return names.get(x.user_id);
    if (e.action === 'register') return t('dc_in_no', { n: x.number });
    return null;
  };
  return el('section', { class: 'card', id: 'trail', 'aria-labelledby': 'trail-h' },
    el('h2', { id: 'trail-h', text: t('dc_trail_h') }),
    el('ol', { class: 'timeline', id: 'events' }, ...(d.events || []).map((e) => {
      const more = detail(e);
      return el('li', { class: `ev ev-${e.action}` },
        el('div', { class: 'ev-head' }, el('time', { datetime: e.at, text: when(e.at) }), ' ', el('strong', { text: t('dc_ev_' + e.action) })),
        el('div', { class: 'ev-who' }, el('span', { class: 'actor', text: e.actor?.full_name || t('of_system') }),
          more ? el('span', { class: 'hint', text: ` · ${more}` }) : null));
    })));
}
