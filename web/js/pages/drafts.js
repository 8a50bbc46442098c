// pages/drafts.js - outgoing documents before their number: the lists of
// drafts (mine, waiting on me, approved or returned by me, signed and
// waiting to be issued), the editor (type, summary, the text or a file,
// the recipients, the recipient agencies on the platform), and a draft's
// page: its approval chain step by step (who was asked, when they opened
// it, what they did), its text and every earlier revision, and what the
// caller may do now (the API's `actions`): revise, submit, approve,
// return, issue.
import { needStrings, state, t, el, api, go, link, page, pick, when, day, todayVN, isoDay, dateInput, upload, newKey, alertBox, showFieldErrors, clearFieldErrors, field, bytes, can } from '../lib.js';
import { officialOnly } from './office.js';
import { documentFields, fieldSelect } from './documents.js';
import { pinBox, withPin } from './signatures.js';

const LISTS = ['mine', 'to_review', 'reviewed', 'to_issue'];
const URGENCIES = ['normal', 'khan', 'thuong_khan', 'hoa_toc'];
const SECRECIES = ['none', 'mat', 'toi_mat', 'tuyet_mat'];

const statusBadge = (s) => el('span', { class: `badge dft-${s}`, text: t('df_st_' + s) });
const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);
const required = (f) => ({ field: f, message: t('of_required'), message_vi: t('of_required'), message_en: t('of_required') });

// ---- the lists ----

export async function list(view, qs) {
  await needStrings('documents');
  if (!officialOnly(view, 'document.read')) return;
  const lists = LISTS.filter((l) => l !== 'to_issue' || can('document.register'));
  const which = lists.includes(qs.get('state')) ? qs.get('state') : 'mine';
  const tabs = el('ul', { class: 'tabs', id: 'draft-tabs' },
    ...lists.map((s) => el('li', {}, link(`/can-bo/du-thao?state=${s}`, t('df_tab_' + s), s === which ? { 'aria-current': 'page', id: `tab-${s}` } : { id: `tab-${s}` }))));
  const items = el('ul', { class: 'doc-cards', id: 'drafts', 'aria-label': t('df_tab_' + which) });
  const more = el('div', { class: 'actions' });
  const status = el('div', { 'aria-live': 'polite' });
  page(view, t('df_title'),
    el('div', { class: 'actions doc-links' },
      can('document.draft') ? link('/can-bo/du-thao/moi', t('df_new'), { class: 'button primary', id: 'draft-new' }) : null,
      link('/can-bo/van-ban', t('dc_work_title'), { class: 'button' }),
      link('/can-bo/uy-quyen', t('dl_title'), { class: 'button', id: 'go-delegations' })),
    tabs, status, items, more);
  const load = async (offset) => {
    const r = await api('GET', `/api/v1/my/drafts?state=${which}&limit=50&offset=${offset}`);
    if (r.status !== 200) { status.replaceChildren(alertBox(r)); return; }
    if (!offset && !r.body.items.length) items.replaceWith(el('p', { class: 'hint', id: 'drafts-none', text: t('df_none_' + which) }));
    for (const d of r.body.items) {
      items.append(el('li', { class: 'doc-card' },
        el('div', { class: 'doc-card-head' }, statusBadge(d.status), el('span', { class: 'task-kind', text: pick(d.type) }),
          d.document ? el('span', { class: 'code', text: d.document.number_text }) : null),
        el('p', { class: 'doc-summary' }, link(`/can-bo/du-thao/${d.id}`, d.summary, { class: 'doc-card-link' })),
        el('p', { class: 'doc-meta', text: t('df_meta', { name: d.drafter.full_name, unit: pick(d.unit), at: when(d.updated_at), n: d.revision }) })));
    }
    more.replaceChildren();
    if (r.body.next_offset) more.append(el('button', { type: 'button', id: 'load-more', text: t('of_load_more'), onclick: () => load(r.body.next_offset) }));
  };
  await load(0);
}

// ---- the editor ----

let types = null;
const documentTypes = () => (types ||= api('GET', '/api/v1/document-types').then((r) => (r.status === 200 ? r.body.items : [])));
let bodies = null; // the agencies a draft may be delivered to: bodies, not internal units
const recipientAgencies = () => (bodies ||= api('GET', '/api/v1/agencies').then((r) => (r.status === 200 ? r.body.items.filter((a) => a.active && !a.internal) : [])));

// The form of a draft's text and addressing, filled from d (a draft) or
// empty; returns {form, values()}.
async function editor(id, d) {
  const [kinds, agencies, subjects] = await Promise.all([documentTypes(), recipientAgencies(), documentFields()]);
  const mine = d ? d.internal_recipient_ids : [];
  const own = d ? d.agency.id : null;
  const select = (name, values, prefix, def) => el('select', { id: `${id}-${name}`, name },
    ...values.map((v) => el('option', { value: v, selected: v === def, text: t(prefix + v) })));
  const fileInput = el('input', { id: `${id}-file`, type: 'file', accept: 'application/pdf', 'aria-describedby': `${id}-file-hint` });
  const fileMsg = el('p', { class: 'hint', 'aria-live': 'polite' });
  const filter = el('input', { id: `${id}-agency-filter`, type: 'search', autocomplete: 'off', 'aria-controls': `${id}-agencies` });
  const checks = el('div', { id: `${id}-agencies`, class: 'checks agency-checks' },
    ...agencies.filter((a) => a.id !== own).map((a) => el('div', { class: 'check', 'data-name': `${a.name} ${a.name_en}`.toLowerCase() },
      el('input', { type: 'checkbox', id: `${id}-ag-${a.id}`, name: 'internal_recipient_ids', value: String(a.id), checked: mine.includes(a.id) }),
      el('label', { for: `${id}-ag-${a.id}`, text: pick(a) }))));
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd');
    for (const c of checks.children) {
      const name = c.dataset.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd');
      c.hidden = q && !name.includes(q) && !c.querySelector('input').checked;
    }
  });
  const form = el('form', { class: 'intake draft-editor', id, novalidate: true },
    el('fieldset', { class: 'card' }, el('legend', { text: t('df_what') }),
      el('div', { class: 'field' }, el('label', { for: `${id}-type`, text: t('dc_type') + ' *' }),
        el('select', { id: `${id}-type`, name: 'type_code' },
          ...kinds.map((k) => el('option', { value: k.code, selected: k.code === (d ? d.type.code : 'ke_hoach'), text: pick(k) })))),
      el('div', { class: 'field' }, el('label', { for: `${id}-field`, text: t('dc_field') }),
        el('p', { class: 'hint', id: `${id}-field-hint`, text: t('df_field_hint') }), fieldSelect(`${id}-field`, subjects, d && d.field ? d.field.code : '')),
      field('summary', t('dc_summary') + ' *', { id: `${id}-summary`, tag: 'textarea', rows: '2', maxlength: '1000', required: true, hint: t('df_summary_hint') }),
      el('div', { class: 'grid2 tight' },
        el('div', { class: 'field' }, el('label', { for: `${id}-urgency`, text: t('dc_urgency') }), select('urgency', URGENCIES, 'dc_urg_', d ? d.urgency : 'normal')),
        el('div', { class: 'field' }, el('label', { for: `${id}-secrecy`, text: t('dc_secrecy') }), select('secrecy', SECRECIES, 'dc_sec_', d ? d.secrecy : 'none')))),
    el('fieldset', { class: 'card' }, el('legend', { text: t('df_text') }),
      field('content', t('df_content'), { id: `${id}-content`, tag: 'textarea', rows: '12', maxlength: '50000', hint: t('df_content_hint') }),
      el('div', { class: 'field', 'data-field': 'file_sha256' }, el('label', { for: `${id}-file`, text: t('df_file') }),
        el('p', { class: 'hint', id: `${id}-file-hint`, text: t('df_file_hint') }), fileInput, fileMsg)),
    el('fieldset', { class: 'card' }, el('legend', { text: t('df_to') }),
      field('recipients', t('df_recipients') + ' *', { id: `${id}-recipients`, tag: 'textarea', rows: '4', hint: t('df_recipients_hint') }),
      el('fieldset', { class: 'checks', 'data-field': 'internal_recipient_ids' },
        el('legend', { text: t('df_internal') }),
        el('p', { class: 'hint', text: t('df_internal_hint') }),
        el('label', { for: filter.id, text: t('df_agency_filter') }), filter, checks)));
  form.elements.summary.value = d ? d.summary : '';
  form.elements.content.value = d && d.content ? d.content : '';
  form.elements.recipients.value = d ? d.recipients.join('\n') : '';
  let sha = d ? d.file_sha256 || '' : '';
  if (sha) fileMsg.textContent = t('df_file_kept');
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    if (!file) return;
    fileMsg.textContent = t('dc_uploading', { name: file.name });
    const r = await upload(file, (p) => { fileMsg.textContent = t('dc_uploading_pct', { name: file.name, pct: Math.round(p * 100) }); });
    if (r.status === 201) { sha = r.body.sha256; fileMsg.textContent = t('dc_uploaded', { name: file.name, size: bytes(r.body.size) }); }
    else { fileMsg.replaceChildren(alertBox(r)); fileInput.value = ''; }
  });
  const values = () => {
    const v = (k) => form.elements[k].value.trim();
    const body = {
      type_code: v('type_code'), summary: v('summary'), urgency: v('urgency'), secrecy: v('secrecy'),
      recipients: lines(form.elements.recipients.value),
      internal_recipient_ids: [...form.querySelectorAll('input[name="internal_recipient_ids"]:checked')].map((x) => Number(x.value)),
    };
    if (v('content')) body.content = form.elements.content.value.trim();
    if (sha) body.file_sha256 = sha;
    if (v('field_code')) body.field_code = v('field_code');
    return body;
  };
  return { form, values };
}

export async function create(view) {
  await needStrings('documents');
  if (!officialOnly(view, 'document.draft')) return;
  const { form, values } = await editor('df', null);
  const status = el('div', { id: 'df-status' });
  form.append(el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'df-save', text: t('df_save') })));
  let pending = null;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const body = values();
    if (!body.summary) { showFieldErrors(form, { status: 422, body: { errors: [required('summary')] } }); return; }
    const what = JSON.stringify(body);
    if (!pending || pending.what !== what) pending = { what, key: newKey() };
    const btn = form.querySelector('#df-save');
    btn.disabled = true;
    const r = await api('POST', '/api/v1/drafts', body, { key: pending.key });
    btn.disabled = false;
    if (r.status !== 0 && r.status < 500) pending = null;
    if (r.status === 201) { go(`/can-bo/du-thao/${r.body.id}?done=create`, true); return; }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  page(view, t('df_new'), form, status);
  form.elements.summary.focus();
}

// ---- a draft ----

export async function draft(view, id, qs) {
  await needStrings('documents');
  if (!officialOnly(view, 'document.read')) return;
  if (!/^\d{1,18}$/.test(id)) { page(view, t('df_one'), el('p', { class: 'error', role: 'alert', text: t('df_not_found') })); return; }
  const r = await api('GET', `/api/v1/drafts/${id}`);
  if (r.status !== 200) {
    page(view, t('df_one'), alertBox(r), link('/can-bo/du-thao', t('df_back'), { class: 'back' }));
    return;
  }
  const d = r.body;
  const etag = r.headers.get('ETag') || `"v${d.version}"`;
  const done = qs && qs.get('done');
  const flash = done && t('df_done_' + done) !== 'df_done_' + done
    ? el('p', { class: 'notice', role: 'status', id: 'done', text: t('df_done_' + done, { n: d.document?.number_text || '' }) }) : null;
  page(view, `${t('df_one')}: ${pick(d.type)}`,
    flash,
    header(d),
    await actionsSection(d, etag),
    chainSection(d),
    textSection(d),
    revisionsSection(d),
    trailSection(d),
    link('/can-bo/du-thao', t('df_back'), { class: 'back' }));
  if (done) history.replaceState(null, '', location.pathname);
}

function header(d) {
  const row = (k, ...v) => [el('dt', { text: t(k) }), el('dd', {}, ...v)];
  return el('section', { class: 'card doc-head', 'aria-labelledby': 'df-sum' },
    el('p', { class: 'doc-badges' }, el('span', { id: 'df-status' }, statusBadge(d.status)),
      d.urgency !== 'normal' ? el('span', { class: `badge urg urg-${d.urgency}`, text: t('dc_urg_' + d.urgency) }) : null,
      d.secrecy !== 'none' ? el('span', { class: 'badge secret', text: t('dc_sec_' + d.secrecy) }) : null),
    el('h2', { id: 'df-sum', class: 'doc-summary-big', text: d.summary }),
    el('dl', { class: 'head-dl' },
      ...row('df_drafter', `${d.drafter.full_name} · ${pick(d.unit)}`),
      ...row('df_revision', String(d.revision)),
      ...row('dc_recipients', d.recipients.join('; ') || '—'),
      ...row('df_internal', (d.internal_recipients || []).map((a) => pick(a)).join('; ') || '—'),
      ...(d.signer ? row('dc_signer', el('span', { id: 'df-signer', text: `${d.signer.form ? `${d.signer.form} ${d.signer.for_title} / ` : ''}${d.signer.position || ''} ${d.signer.name} · ${when(d.signer.signed_at)}`.trim() })) : []),
      ...(d.document ? row('dc_number', link(`/can-bo/van-ban/${d.document.id}`, d.document.number_text, { id: 'df-number' })) : [])));
}

// The chain, step by step: the role, who was asked (the latest ask of
// each step), when they opened it and what they did.
function chainSection(d) {
  if (!d.chain.length) return null;
  const latest = new Map();
  for (const r of d.reviews || []) latest.set(r.step, r);
  const items = d.chain.map((role, k) => {
    const r = latest.get(k + 1);
    const here = d.status === 'reviewing' && d.step === k + 1;
    const state = r ? (r.status === 'pending' ? (r.viewed_at ? 'opened' : 'waiting') : r.status) : 'ahead';
    return el('li', { class: `chain-step ${here ? 'current' : ''}`, 'aria-current': here ? 'step' : null },
      el('strong', { text: `${k + 1}. ${t('df_role_' + role)}` }), ' ',
      el('span', { class: `badge ch-${state}`, text: t('df_ch_' + state) }),
      r ? el('div', { class: 'hint' }, r.to.full_name,
        ` · ${t('df_asked', { at: when(r.asked_at) })}`,
        r.viewed_at ? ` · ${t('df_opened', { at: when(r.viewed_at) })}` : '',
        r.done_at ? ` · ${when(r.done_at)}` : '') : null,
      r && r.comment ? el('p', { class: 'comment', text: r.comment }) : null);
  });
  return el('section', { class: 'card', id: 'chain', 'aria-labelledby': 'chain-h' },
    el('h2', { id: 'chain-h', text: t('df_chain_h') }),
    el('ol', { class: 'chain' }, ...items));
}

function textSection(d) {
  return el('section', { class: 'card', id: 'text', 'aria-labelledby': 'text-h' },
    el('h2', { id: 'text-h', text: t('df_text') }),
    d.content ? el('div', { class: 'draft-text', id: 'df-content', text: d.content }) : el('p', { class: 'hint', text: t('df_no_content') }),
    el('p', { class: 'actions' },
      el('a', { href: `/api/v1/drafts/${d.id}/pdf`, target: '_blank', rel: 'noopener', class: 'button', id: 'df-pdf', text: t('df_open_pdf') }),
      d.file_sha256 ? el('a', { href: `/api/v1/drafts/${d.id}/file`, target: '_blank', rel: 'noopener', class: 'button', id: 'df-file', text: t('df_open_file') }) : null));
}

function revisionsSection(d) {
  const revs = (d.revisions || []).slice(0, -1).reverse(); // the current one is shown above
  if (!revs.length) return null;
  return el('section', { class: 'card', id: 'revisions', 'aria-labelledby': 'rev-h' },
    el('h2', { id: 'rev-h', text: t('df_revisions_h') }),
    ...revs.map((r) => el('details', { class: 'revision' },
      el('summary', { text: t('df_revision_of', { n: r.revision, name: r.author.full_name, at: when(r.created_at) }) }),
      r.note ? el('p', { class: 'hint', text: r.note }) : null,
      el('p', { text: r.summary }),
      r.content ? el('div', { class: 'draft-text', text: r.content }) : null)));
}

function trailSection(d) {
  return el('section', { class: 'card', id: 'trail', 'aria-labelledby': 'trail-h' },
    el('h2', { id: 'trail-h', text: t('dc_trail_h') }),
    el('ol', { class: 'timeline', id: 'events' }, ...(d.events || []).map((e) => el('li', { class: `ev ev-${e.action}` },
      el('div', { class: 'ev-head' }, el('time', { datetime: e.at, text: when(e.at) }), ' ', el('strong', { text: t('df_ev_' + e.action) })),
      el('div', { class: 'ev-who' }, el('span', { class: 'actor', text: e.actor?.full_name || t('of_system') }),
        e.detail?.comment ? el('span', { class: 'hint', text: ` · ${e.detail.comment}` }) : null)))));
}

// ---- what the caller may do ----

async function actionsSection(d, etag) {
  const acts = d.actions || [];
  if (!acts.length) return null;
  const box = el('section', { class: 'card', id: 'actions', 'aria-labelledby': 'act-h' },
    el('h2', { id: 'act-h', text: t('dc_actions') }));
  const reload = (a) => go(`/can-bo/du-thao/${d.id}?done=${a}`, true);
  for (const a of acts) {
    if (a === 'submit') box.append(await submitForm(d, etag, () => reload(a)));
    else if (a === 'approve') box.append(await approveForm(d, etag, () => reload(a)));
    else if (a === 'return') box.append(returnForm(d, etag, () => reload(a)));
    else if (a === 'issue') box.append(issueForm(d, etag, () => reload(a)));
    else if (a === 'sign') box.append(await signForm(d, etag, () => reload(a)));
    else if (a === 'revise') box.append(await reviseForm(d, etag, () => reload(a)));
  }
  return box;
}

function actForm(id, title, ...children) {
  const status = el('div', { class: 'act-status', 'aria-live': 'polite' });
  const form = el('form', { class: 'act-form', id, novalidate: true, 'aria-labelledby': `${id}-h` },
    el('h3', { id: `${id}-h`, text: title }), ...children, status);
  return { form, status };
}

async function post(form, d, etag, action, body, status, done) {
  clearFieldErrors(form);
  status.replaceChildren();
  const btn = form.querySelector('button[type="submit"]');
  btn.disabled = true;
  const r = await api('POST', `/api/v1/drafts/${d.id}/actions/${action}`, body, { headers: { 'If-Match': etag } });
  btn.disabled = false;
  if (r.status === 200) { done(r.body); return; }
  const rest = r.status === 422 ? showFieldErrors(form, r) : [];
  status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
}

const personLabel = (p) => [p.full_name, pick(p, 'position'), p.agency ? pick(p.agency) : null].filter(Boolean).join(' · ');

async function peopleSelect(d, action, id, name) {
  const r = await api('GET', `/api/v1/drafts/${d.id}/addressees?action=${action}`);
  const people = r.status === 200 ? r.body.items : [];
  return {
    people,
    sel: el('select', { id, name, required: true },
      el('option', { value: '', text: t('dc_choose') }),
      ...people.map((p) => el('option', { value: String(p.id), text: personLabel(p) }))),
  };
}

async function submitForm(d, etag, done) {
  const { people, sel } = await peopleSelect(d, 'submit', 'sub-approver', 'approver_id');
  const signs = !people.length; // the drafter holds the last step: submitting signs it
  const { form, status } = actForm('f-submit', t(signs ? 'df_act_sign' : 'df_act_submit'),
    signs ? el('p', { class: 'hint', text: t('df_sign_hint') })
      : el('div', { class: 'field' }, el('label', { for: 'sub-approver', text: t('df_approver') + ' *' }), sel),
    signs ? await pinBox('sub-pin') : null,
    field('note', t('dc_note'), { id: 'sub-note', tag: 'textarea', rows: '2', maxlength: '2000' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'sub-submit', text: t(signs ? 'df_act_sign' : 'df_act_submit') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!signs && !sel.value) { showFieldErrors(form, { status: 422, body: { errors: [required('approver_id')] } }); return; }
    const body = signs ? withPin(form, {}) : { approver_id: Number(sel.value) };
    if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
    post(form, d, etag, 'submit', body, status, done);
  });
  return form;
}

async function approveForm(d, etag, done) {
  const last = d.step >= d.chain.length;
  const { sel } = last ? { sel: null } : await peopleSelect(d, 'approve', 'apr-next', 'next_approver_id');
  const { form, status } = actForm('f-approve', t(last ? 'df_act_sign' : 'df_act_approve'),
    last ? el('p', { class: 'hint', text: t('df_sign_hint') })
      : el('div', { class: 'field' }, el('label', { for: 'apr-next', text: t('df_next_approver', { role: t('df_role_' + d.chain[d.step]) }) + ' *' }), sel),
    last ? await pinBox('apr-pin') : null,
    field('comment', t('df_comment'), { id: 'apr-comment', tag: 'textarea', rows: '2', maxlength: '2000' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'apr-submit', text: t(last ? 'df_act_sign' : 'df_act_approve') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (sel && !sel.value) { showFieldErrors(form, { status: 422, body: { errors: [required('next_approver_id')] } }); return; }
    const body = sel ? { next_approver_id: Number(sel.value) } : withPin(form, {});
    if (form.elements.comment.value.trim()) body.comment = form.elements.comment.value.trim();
    post(form, d, etag, 'approve', body, status, done);
  });
  return form;
}

function returnForm(d, etag, done) {
  const { form, status } = actForm('f-return', t('df_act_return'),
    field('comment', t('df_return_comment') + ' *', { id: 'ret-comment', tag: 'textarea', rows: '3', maxlength: '2000', required: true }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'ret-submit', text: t('df_act_return') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const comment = form.elements.comment.value.trim();
    if (!comment) { showFieldErrors(form, { status: 422, body: { errors: [required('comment')] } }); return; }
    post(form, d, etag, 'return', { comment }, status, done);
  });
  return form;
}

// Signing before the last step, under a delegation (TL., TUQ., KT.).
async function signForm(d, etag, done) {
  const { form, status } = actForm('f-sign', t('df_act_sign_for'),
    el('p', { class: 'hint', text: t('df_sign_for_hint') }),
    await pinBox('sgn-pin'),
    field('comment', t('df_comment'), { id: 'sgn-comment', tag: 'textarea', rows: '2', maxlength: '2000' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'sgn-submit', text: t('df_act_sign_for') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = withPin(form, {});
    if (form.elements.comment.value.trim()) body.comment = form.elements.comment.value.trim();
    post(form, d, etag, 'sign', body, status, done);
  });
  return form;
}

function issueForm(d, etag, done) {
  const { form, status } = actForm('f-issue', t('df_act_issue'),
    el('p', { class: 'hint', text: t('df_issue_hint') }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'iss-submit', text: t('df_act_issue') })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    post(form, d, etag, 'issue', {}, status, done);
  });
  return form;
}

// Revising: the editor, filled with the current revision, in a details
// box (most visits only submit).
async function reviseForm(d, etag, done) {
  const { form, values } = await editor('rev', d);
  const status = el('div', { class: 'act-status', 'aria-live': 'polite' });
  form.append(field('note', t('df_revise_note'), { id: 'rev-note', maxlength: '2000' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'rev-save', text: t('df_act_revise') })), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const body = values();
    if (!body.summary) { showFieldErrors(form, { status: 422, body: { errors: [required('summary')] } }); return; }
    if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
    const btn = form.querySelector('#rev-save');
    btn.disabled = true;
    const r = await api('PUT', `/api/v1/drafts/${d.id}`, body, { headers: { 'If-Match': etag } });
    btn.disabled = false;
    if (r.status === 200) { done(r.body); return; }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return el('details', { class: 'act-form', id: 'f-revise', open: d.status === 'returned' || null },
    el('summary', { text: t('df_act_revise') }), form);
}

// ---- signing delegations (KT., TL., TUQ.) ----

const FORMS = ['KT', 'TL', 'TUQ'];

export async function delegations(view) {
  await needStrings('documents');
  if (!officialOnly(view, 'document.read')) return;
  const [r, kinds, subjects] = await Promise.all([api('GET', '/api/v1/delegations'), documentTypes(), documentFields()]);
  const typeName = new Map(kinds.map((k) => [k.code, pick(k)]));
  const fieldName = new Map(subjects.map((f) => [f.code, pick(f)]));
  const leader = (state.me.roles || []).includes('leader');
  const cell = (label, ...c) => el('td', { 'data-label': label }, ...c);
  const rows = (r.status === 200 ? r.body.items : []).map((g) => el('tr', { 'data-id': String(g.id) },
    cell(t('dl_form'), el('strong', { text: `${g.form}.` }), ' ', t('dl_form_' + g.form)),
    cell(t('dl_grantor'), `${g.grantor.full_name}${g.grantor.position ? ` · ${g.grantor.position}` : ''}`),
    cell(t('dl_delegate'), `${g.delegate.full_name}${g.delegate.position ? ` · ${g.delegate.position}` : ''}`),
    cell(t('dl_types'), g.type_codes.length ? g.type_codes.map((c) => typeName.get(c) || c).join(', ') : t('dl_all_types'),
      g.field_codes.length ? el('span', { class: 'hint', text: ` · ${g.field_codes.map((c) => fieldName.get(c) || c).join(', ')}` }) : null),
    cell(t('dl_period'), `${day(g.valid_from + 'T12:00:00+07:00')} – ${day(g.valid_to + 'T12:00:00+07:00')}`),
    cell(t('status'), el('span', { class: `badge ${g.active ? 'seen' : 'unseen'}`, text: t(g.revoked_at ? 'dl_revoked' : g.active ? 'dl_active' : 'dl_inactive') })),
    cell('', leader && !g.revoked_at ? el('button', { type: 'button', class: 'linkish', text: t('dl_revoke'), 'aria-label': t('dl_revoke_who', { name: g.delegate.full_name }), onclick: async () => {
      const x = await api('POST', `/api/v1/delegations/${g.id}/revoke`, {});
      if (x.status === 200) go('/can-bo/uy-quyen?done=revoke', true);
      else status.replaceChildren(alertBox(x));
    } }) : null)));
  const status = el('div', { 'aria-live': 'polite' });
  const list = rows.length ? el('table', { class: 'stack', id: 'delegations' },
    el('caption', { class: 'sr-only', text: t('dl_title') }),
    el('thead', {}, el('tr', {}, ...['dl_form', 'dl_grantor', 'dl_delegate', 'dl_types', 'dl_period', 'status', 'dl_actions']
      .map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, ...rows)) : el('p', { class: 'hint', id: 'delegations-none', text: t('dl_none') });
  const done = new URLSearchParams(location.search).get('done');
  page(view, t('dl_title'),
    done ? el('p', { class: 'notice', role: 'status', text: t('dl_done_' + (done === 'revoke' ? 'revoke' : 'create')) }) : null,
    el('p', { class: 'hint', text: t('dl_intro') }),
    r.status === 200 ? null : alertBox(r), status, list,
    leader ? await delegationForm(kinds, subjects) : null,
    link('/can-bo/du-thao', t('df_back'), { class: 'back' }));
  if (done) history.replaceState(null, '', location.pathname);
}

async function delegationForm(kinds, subjects) {
  const people = await api('GET', '/api/v1/users?limit=200');
  const mine = state.me.agency?.id;
  const officials = (people.status === 200 ? people.body.items : []).filter((u) => u.agency_id === mine && u.id !== state.me.id && u.status === 'active');
  const formSel = el('select', { id: 'dl-form-sel', name: 'form' }, ...FORMS.map((f) => el('option', { value: f, text: `${f}. ${t('dl_form_' + f)}` })));
  const who = el('select', { id: 'dl-delegate', name: 'delegate_id' },
    el('option', { value: '', text: t('dc_choose') }),
    ...officials.map((u) => el('option', { value: String(u.id), text: `${u.full_name}${u.position ? ` · ${u.position}` : ''}` })));
  const types = el('fieldset', { class: 'checks agency-checks', 'data-field': 'type_codes' },
    el('legend', { text: t('dl_types') }), el('p', { class: 'hint', text: t('dl_types_hint') }),
    ...kinds.map((k) => el('div', { class: 'check' },
      el('input', { type: 'checkbox', id: `dl-t-${k.code}`, name: 'type_codes', value: k.code }),
      el('label', { for: `dl-t-${k.code}`, text: pick(k) }))));
  const scope = el('fieldset', { class: 'checks', 'data-field': 'field_codes' },
    el('legend', { text: t('dl_fields') }), el('p', { class: 'hint', text: t('dl_fields_hint') }),
    ...subjects.map((f) => el('div', { class: 'check' },
      el('input', { type: 'checkbox', id: `dl-f-${f.code}`, name: 'field_codes', value: f.code }),
      el('label', { for: `dl-f-${f.code}`, text: pick(f) }))));
  const status = el('div', { class: 'act-status', 'aria-live': 'polite' });
  const form = el('form', { class: 'card', id: 'dl-new', novalidate: true, 'aria-labelledby': 'dl-new-h' },
    el('h2', { id: 'dl-new-h', text: t('dl_new') }),
    el('div', { class: 'field' }, el('label', { for: 'dl-form-sel', text: t('dl_form') + ' *' }), formSel),
    el('div', { class: 'field' }, el('label', { for: 'dl-delegate', text: t('dl_delegate') + ' *' }), who),
    el('div', { class: 'grid2 tight' },
      el('div', { class: 'field' }, el('label', { for: 'dl-from', text: t('dl_from') + ' *' }), dateInput({ id: 'dl-from', name: 'valid_from', value: todayVN() })),
      el('div', { class: 'field' }, el('label', { for: 'dl-to', text: t('dl_to') + ' *' }), dateInput({ id: 'dl-to', name: 'valid_to', value: todayVN(30) }))),
    types, scope,
    field('note', t('dc_note'), { id: 'dl-note', maxlength: '500' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'dl-save', text: t('dl_save') })), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const errs = [];
    if (!who.value) errs.push(required('delegate_id'));
    const from = isoDay(form.elements.valid_from.value), to = isoDay(form.elements.valid_to.value);
    if (!from) errs.push({ field: 'valid_from', message: t('of_date_bad'), message_vi: t('of_date_bad'), message_en: t('of_date_bad') });
    if (!to) errs.push({ field: 'valid_to', message: t('of_date_bad'), message_vi: t('of_date_bad'), message_en: t('of_date_bad') });
    if (errs.length) { showFieldErrors(form, { status: 422, body: { errors: errs } }); return; }
    const body = { form: formSel.value, delegate_id: Number(who.value), valid_from: from, valid_to: to,
      type_codes: [...form.querySelectorAll('input[name="type_codes"]:checked')].map((x) => x.value),
      field_codes: [...form.querySelectorAll('input[name="field_codes"]:checked')].map((x) => x.value) };
    if (form.elements.note.value.trim()) body.note = form.elements.note.value.trim();
    const r = await api('POST', '/api/v1/delegations', body);
    if (r.status === 201) { go('/can-bo/uy-quyen?done=create', true); return; }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return form;
}
