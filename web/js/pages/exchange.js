// pages/exchange.js - documents exchanged with agencies elsewhere (liên
// thông văn bản, edXML): the clerical officer's list of what arrived and
// what was sent, by state; a package's page (its header as the sender
// wrote it, its attachment, the status messages both ways, and what may be
// done: register it as an incoming document, refuse it, revoke one sent,
// answer a revocation); and, on an issued document's page, sending it to
// the agencies elsewhere and following each package's statuses.
import { needStrings, t, el, api, go, link, page, when, alertBox, showFieldErrors, clearFieldErrors, field } from '../lib.js';
import { officialOnly } from './office.js';

const IN_STATES = ['arrived', 'registered', 'refused', 'revoked'];
const OUT_STATES = ['queued', 'delivered', 'failed'];
const CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'];

const stateBadge = (s) => el('span', { class: `badge xst-${s}`, text: t('xc_state_' + s) });
const codeText = (c) => (CODES.includes(c) ? `${c} · ${t('xc_code_' + c)}` : c);

// ---- /can-bo/lien-thong: the packages of the caller's agency ----

export async function inbox(view, qs) {
  await needStrings('exchange');
  if (!officialOnly(view, 'document.register')) return;
  const all = [...IN_STATES, ...OUT_STATES];
  const which = all.includes(qs.get('state')) ? qs.get('state') : 'arrived';
  const tabs = el('ul', { class: 'tabs', id: 'xc-tabs' },
    ...all.map((s) => el('li', {}, link(`/can-bo/lien-thong?state=${s}`, t('xc_tab_' + s), s === which ? { 'aria-current': 'page', id: `xtab-${s}` } : { id: `xtab-${s}` }))));
  const r = await api('GET', `/api/v1/exchange/packages?state=${which}`);
  const body = r.status !== 200 ? alertBox(r)
    : !r.body.items.length ? el('p', { class: 'hint', id: 'xc-none', text: t('xc_none') })
      : el('ul', { class: 'doc-cards', id: 'xc-list' }, ...r.body.items.map(card));
  page(view, t('xc_title'), el('p', { class: 'hint', text: t('xc_intro') }), tabs, body);
}

function card(p) {
  return el('li', { class: 'doc-card' },
    el('div', { class: 'doc-card-head' }, stateBadge(p.state),
      p.status_code ? el('span', { class: 'task-kind', text: codeText(p.status_code) }) : null),
    el('p', { class: 'doc-summary' }, link(`/can-bo/lien-thong/${p.id}`, p.subject, { class: 'doc-card-link' })),
    el('p', { class: 'doc-meta' }, [p.code, p.direction === 'in' ? t('xc_from', { name: p.peer.name }) : t('xc_to', { name: p.peer.name }), p.promulgated].join(' · ')),
    el('p', { class: 'doc-meta' }, when(p.updated_at)));
}

// ---- /can-bo/lien-thong/{id}: one package ----

export async function pkg(view, id) {
  await needStrings('exchange');
  if (!officialOnly(view, 'document.register')) return;
  if (!/^\d{1,18}$/.test(id)) { page(view, t('xc_title'), el('p', { class: 'error', role: 'alert', text: t('xc_not_found') })); return; }
  const r = await api('GET', `/api/v1/exchange/packages/${id}`);
  const back = link('/can-bo/lien-thong', t('xc_back'), { class: 'back' });
  if (r.status !== 200) { page(view, t('xc_title'), alertBox(r), back); return; }
  const p = r.body;
  const done = new URLSearchParams(location.search).get('done');
  const h = p.header || {};
  const row = (k, ...v) => [el('dt', { text: t(k) }), el('dd', {}, ...v)];
  const head = el('section', { class: 'card doc-head', 'aria-labelledby': 'xc-sum' },
    el('p', { class: 'doc-badges' }, el('span', { id: 'xc-state' }, stateBadge(p.state))),
    el('h2', { id: 'xc-sum', class: 'doc-summary-big', text: p.subject }),
    el('dl', { class: 'head-dl' },
      ...row('xc_code', el('span', { id: 'xc-code', text: p.code })),
      ...row('xc_date', p.promulgated),
      ...row(p.direction === 'in' ? 'xc_sender' : 'xc_recipient', `${p.peer.name} (${p.peer.organ_id})`),
      ...(h.signer ? row('xc_signer', `${h.position || ''} ${h.signer}`.trim()) : []),
      ...(h.type_name ? row('xc_type', h.type_name) : []),
      ...row('xc_agency', p.agency.name),
      ...(p.document_id ? row('xc_document', link(`/can-bo/van-ban/${p.document_id}`, t('xc_open_document'), { id: 'xc-doc' })) : [])),
    el('p', { class: 'actions' },
      ...(p.files || []).map((f, i) => el('a', { href: `/api/v1/exchange/packages/${p.id}/files/${i + 1}`, class: 'button', id: `xc-file-${i + 1}`, text: t('xc_open_file', { name: f.name || '' }) })),
      el('a', { href: `/api/v1/exchange/packages/${p.id}/edxml`, class: 'button', id: 'xc-edxml', text: t('xc_edxml') })));
  page(view, t('xc_package_title'),
    done ? el('p', { class: 'notice', role: 'status', id: 'done', text: t('xc_done_' + done) }) : null,
    head, actions(p), statuses(p.statuses || []), back);
  if (done) history.replaceState(null, '', location.pathname);
}

function statuses(list) {
  return el('section', { class: 'card', 'aria-labelledby': 'xc-st-h' },
    el('h2', { id: 'xc-st-h', text: t('xc_statuses') }),
    list.length ? el('ol', { class: 'trail', id: 'xc-statuses' }, ...list.map((s) => el('li', {},
      el('strong', { text: codeText(s.code) }), ' · ',
      el('span', { text: t(s.direction === 'in' ? 'xc_came' : 'xc_went') }), ' · ', when(s.at),
      s.description ? el('p', { class: 'hint', text: s.description }) : null)))
      : el('p', { class: 'hint', text: t('xc_no_statuses') }));
}

// A form posting to the package's action, then the page again with what
// it did said at the top.
function actForm(p, action, fields, submitClass) {
  const status = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'act-form', id: `xf-${action}`, novalidate: true },
    ...fields,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: submitClass, id: `xb-${action}`, text: t('xc_act_' + action) })),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const body = {};
    for (const f of form.elements) {
      if (!f.name) continue;
      if (f.type !== 'radio') body[f.name] = f.value;
      else if (f.checked) body[f.name] = f.value === 'true';
    }
    const btn = form.querySelector('button[type="submit"]');
    btn.disabled = true;
    const r = await api('POST', `/api/v1/exchange/packages/${p.id}/${action === 'answer' ? 'revocation' : action}`, body);
    btn.disabled = false;
    if (r.status === 200 || r.status === 201) { go(`/can-bo/lien-thong/${p.id}?done=${action}`, true); return; }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return form;
}

function actions(p) {
  const can = p.can || [];
  if (!can.length) return null;
  const box = el('section', { class: 'card', id: 'xc-actions', 'aria-labelledby': 'xc-act-h' },
    el('h2', { id: 'xc-act-h', text: t('xc_actions') }));
  const reason = (id) => field('reason', t('xc_reason') + ' *', { tag: 'textarea', id, required: true, maxlength: '1000' });
  if (can.includes('register')) box.append(el('p', { class: 'hint', text: t('xc_register_hint') }), actForm(p, 'register', [], 'primary'));
  if (can.includes('refuse')) box.append(el('details', {}, el('summary', { text: t('xc_act_refuse') }), actForm(p, 'refuse', [reason('xr-reason')], 'danger')));
  if (can.includes('revoke')) box.append(el('details', {}, el('summary', { text: t('xc_act_revoke') }), actForm(p, 'revoke', [reason('xv-reason')], 'danger')));
  if (can.includes('answer_revocation')) {
    const radio = (v, k) => el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'agree', value: v, required: true }), ' ', t(k));
    box.append(el('p', { class: 'hint', text: t('xc_answer_hint') }),
      actForm(p, 'answer', [el('fieldset', {}, el('legend', { text: t('xc_answer') }), radio('true', 'xc_agree'), radio('false', 'xc_disagree'))], 'primary'));
  }
  return box;
}

// ---- on an issued document's page ----

// Its packages with their statuses and, for its clerical officers, the
// form that sends it to agencies elsewhere.
export async function documentPanel(d, canSend) {
  await needStrings('exchange');
  const r = await api('GET', `/api/v1/documents/${d.id}/exchange`);
  const sent = r.status === 200 ? r.body : [];
  const sendable = canSend && d.direction === 'out' && d.status === 'issued' && d.secrecy === 'none' && d.file_sha256;
  if (!sent.length && !sendable) return null;
  const box = el('section', { class: 'card', id: 'xc-panel', 'aria-labelledby': 'xc-panel-h' },
    el('h2', { id: 'xc-panel-h', text: t('xc_panel') }));
  if (sent.length) {
    box.append(el('ul', { class: 'plain', id: 'xc-sent' }, ...sent.map((p) => el('li', {},
      link(`/can-bo/lien-thong/${p.id}`, p.peer.name), ' · ', stateBadge(p.state),
      p.status_code ? el('span', { text: ` · ${codeText(p.status_code)}` }) : null))));
  }
  if (sendable) {
    const pr = await api('GET', '/api/v1/exchange/peers');
    const peers = pr.status === 200 ? pr.body : [];
    if (!peers.length) { box.append(el('p', { class: 'hint', text: t('xc_no_peers') })); return box; }
    const status = el('div', { 'aria-live': 'polite' });
    const boxes = peers.map((p, i) => el('label', { class: 'choice' },
      el('input', { type: 'checkbox', name: 'to', value: p.organ_id, id: `xc-to-${i}` }), ' ', `${p.name} (${p.organ_id})`));
    const form = el('form', { class: 'act-form', id: 'xf-send', novalidate: true },
      el('fieldset', { id: 'to' }, el('legend', { text: t('xc_send_to') }), ...boxes),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'xb-send', text: t('xc_send') })),
      status);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearFieldErrors(form);
      status.replaceChildren();
      const to = [...form.querySelectorAll('input[name="to"]:checked')].map((x) => x.value);
      const btn = form.querySelector('button[type="submit"]');
      btn.disabled = true;
      const s = await api('POST', `/api/v1/documents/${d.id}/exchange`, { to });
      btn.disabled = false;
      if (s.status === 201) { go(`/can-bo/van-ban/${d.id}?done=exchange`, true); return; }
      const rest = s.status === 422 ? showFieldErrors(form, s) : [];
      status.replaceChildren(alertBox(s), ...rest.map((m) => el('p', { class: 'error', text: m })));
    });
    box.append(el('p', { class: 'hint', text: t('xc_send_hint') }), form);
  }
  return box;
}
