// pages/mine.js - the applicant's own dossiers (/ho-so-cua-toi) and one of
// them (/ho-so-cua-toi/:code): status, appointment, each step with its
// unit and whether it was early, on time or late, the printable forms, and,
// when the office asked for more papers, the request with an upload for
// each missing paper and the "send" button (the supplement action).
import { state, t, el, api, link, page, pick, when, day, alertBox, statusBadge, overdueBadge, showFieldErrors, clearFieldErrors, problemText } from '../lib.js';
import { attachment, attachmentFor, formsOf, formLink, kindText } from './citizen-ui.js';
import { itemState, itemBadge, noticeItems, earlierFiles, fileLink } from './papers.js';
import { paperSource, paperTitle } from './personal.js';
import { paymentCard } from './payments.js';
import { formView } from './office-form.js';

// Early / on time / late for a dossier: the result's own score once there
// is one, else whether the appointment has passed.  null: nothing to say
// (not received yet, waiting for papers, ended without a result).
export function progressOf(d) {
  if (d.result_status) return d.result_status;
  if (!d.due_at || ['supplement_requested', 'refused', 'withdrawn', 'stopped', 'result_ready', 'returned'].includes(d.status)) return null;
  return Date.now() > Date.parse(d.due_at) ? 'late' : 'in_time';
}

// The timeliness cell of the list: the summary carries the result's score
// and when it was ready, so a finished dossier needs no request of its own.
function progressCell(d) {
  return el('td', { 'data-label': t('my_progress') }, progressBadge(d),
    d.result_status && d.completed_at ? el('div', { class: 'hint' }, `${t('my_completed')}: `,
      el('time', { datetime: d.completed_at, text: day(d.completed_at) })) : null);
}

function progressBadge(d) {
  const p = progressOf(d);
  return p ? el('span', { class: `cz-tl ${p}`, text: p === 'in_time' ? t('my_in_time') : t(p) }) : '—';
}

function needLogin(view, title) {
  page(view, title,
    el('div', { class: 'card' },
      el('p', { class: 'warning', text: t('login_required') }),
      el('p', {}, link(`/dang-nhap?next=${encodeURIComponent(location.pathname)}`, t('ap_login_link'), { class: 'button primary', id: 'login-link' }))));
}

export async function list(view, qs) {
  void qs;
  if (!state.me) { needLogin(view, t('my_title')); return; }
  view.replaceChildren(el('p', { class: 'hint', text: t('loading') }));
  const res = await api('GET', '/api/v1/my/dossiers?limit=50');
  if (res.status === 401) { needLogin(view, t('my_title')); return; }
  if (res.status !== 200) { page(view, t('my_title'), alertBox(res)); return; }
  const procName = (d) => pick(d, 'procedure_name') || d.procedure_code;

  const cell = (label, ...c) => el('td', { 'data-label': label }, ...c);
  const row = (d) => el('tr', {},
    cell(t('ap_code'), link(`/ho-so-cua-toi/${encodeURIComponent(d.code)}`, d.code, { class: 'cz-dcode' })),
    cell(t('my_procedure'), procName(d)),
    cell(t('status'), statusBadge(d.status)),
    cell(t('my_submitted'), day(d.submitted_at)),
    cell(t('received'), day(d.received_at)),
    cell(t('appointment'), day(d.appointment_at || d.due_at)),
    progressCell(d));
  const tbody = el('tbody', {}, ...res.body.items.map(row));
  const table = el('table', { class: 'stack', id: 'my-dossiers' },
    el('caption', { class: 'sr-only', text: t('my_title') }),
    el('thead', {}, el('tr', {}, ...['ap_code', 'my_procedure', 'status', 'my_submitted', 'received', 'appointment', 'my_progress']
      .map((k) => el('th', { scope: 'col', text: t(k) })))),
    tbody);

  // older dossiers, a page at a time
  let next = res.body.next_before;
  const more = el('button', { type: 'button', id: 'more', text: t('my_more'), hidden: !next });
  const moreStatus = el('p', { class: 'hint', 'aria-live': 'polite' });
  more.addEventListener('click', async () => {
    more.disabled = true;
    const r = await api('GET', `/api/v1/my/dossiers?limit=50&before=${next}`);
    more.disabled = false;
    if (r.status !== 200) { moreStatus.replaceChildren(alertBox(r)); return; }
    const rows = r.body.items.map(row);
    tbody.append(...rows);
    moreStatus.textContent = t('my_more_loaded', { n: r.body.items.length });
    next = r.body.next_before;
    // the button may disappear: the focus goes to the first new dossier
    if (!next && rows.length) rows[0].querySelector('a')?.focus();
    more.hidden = !next;
  });

  const empty = !res.body.items.length;
  page(view, t('my_title'),
    el('section', { class: 'card' },
      empty ? el('p', { id: 'my-empty', text: t('my_empty') }) : table,
      el('div', { class: 'actions' }, more, link('/', t('my_new'), { class: 'button' })),
      moreStatus));
}

export async function detail(view, code, qs) {
  void qs;
  if (!state.me) { needLogin(view, code); return; }
  view.replaceChildren(el('p', { class: 'hint', text: t('loading') }));
  const res = await api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
  if (res.status === 401) { needLogin(view, code); return; }
  if (res.status !== 200) {
    page(view, code, res.status === 404 ? el('p', { class: 'error', role: 'alert', text: t('my_not_found') }) : alertBox(res),
      link('/ho-so-cua-toi', t('my_back'), { class: 'back' }));
    return;
  }
  const d = res.body;
  const pr = await api('GET', `/api/v1/procedures/${encodeURIComponent(d.procedure.code)}?version=${d.procedure.version}`);
  render(view, d, res.headers.get('ETag'), pr.status === 200 ? pr.body : null);
}

const ENDED_NO_RESULT = ['refused', 'withdrawn', 'stopped'];

function render(view, d, etag, proc, flash) {
  const dl = [];
  const item = (k, v, id) => dl.push(el('dt', { text: t(k) }), el('dd', { id }, v));
  const noResult = ENDED_NO_RESULT.includes(d.status);
  dl.push(el('dt', { text: t('status') }), el('dd', {}, el('span', { id: 'status' }, statusBadge(d.status)), ' ', overdueBadge(d)));
  item('my_submitted', when(d.submitted_at));
  item('received', d.received_at ? when(d.received_at) : noResult ? t('my_not_received') : t('ap_not_yet_received'));
  // a dossier that ended without a result promises no date
  if (!noResult) item('appointment', d.due_at ? when(d.appointment_at || d.due_at) : t('ap_due_later'), 'due');
  item('my_progress', progressBadge(d), 'progress');
  if (d.completed_at) item(noResult ? 'my_ended_' + d.status : 'my_completed', when(d.completed_at), 'ended-at');
  if (d.returned_at) item('my_returned', when(d.returned_at));
  item('ap_where', d.received_agency ? pick(d.received_agency) : '—');
  if (d.competent_agency && d.received_agency && d.competent_agency.id !== d.received_agency.id) item('my_competent', pick(d.competent_agency));
  item('ap_return', t('ap_return_' + d.return_method));
  item('ap_secret', d.secret);

  const notes = [];
  const sg = d.application_signature;
  if (sg) notes.push(el('p', { class: 'notice', id: 'app-signed', text: t('my_signed', { name: sg.signer, serial: sg.serial }) }));
  const sup = d.supplement;
  if (sup && sup.supplied_at && d.status !== 'supplement_requested') {
    notes.push(el('p', { class: 'notice', id: 'sup-done' }, t('my_sup_done', { at: when(sup.supplied_at) }),
      sup.new_due_at && !noResult ? ` ${t('my_sup_new_due', { due: when(d.appointment_at || sup.new_due_at) })}` : ''));
  }
  if (d.refusal) {
    notes.push(el('div', { class: 'warning' }, el('p', { text: t('my_refused', { at: when(d.refusal.at) }) }),
      el('ul', {}, ...(d.refusal.reasons || []).map((x) => el('li', { text: x })))));
  }
  if (d.stop) notes.push(el('p', { class: 'warning', text: t('my_stopped', { at: when(d.stop.at), reason: d.stop.reason }) }));
  if (d.extension && d.extension.approved !== false) {
    notes.push(el('p', { class: 'warning', text: t('my_extended', { old: when(d.extension.old_due_at), due: when(d.extension.new_due_at), reason: d.extension.reason }) }));
  }

  const forms = formsOf(d);
  page(view, d.code, ...[
    flash,
    el('section', { class: 'card', 'aria-labelledby': 'sum-h' },
      el('h2', { id: 'sum-h', text: pick(d.procedure) }),
      el('dl', { class: 'cz-facts' }, ...dl),
      ...notes,
      withdrawBox(view, d, etag, proc)),
    d.status === 'supplement_requested' && sup ? supplementBox(view, d, etag, proc) : null,
    paymentCard(d.code),
    d.result && d.result.sha256 ? el('section', { class: 'card', id: 'result', 'aria-labelledby': 'result-h' },
      el('h2', { id: 'result-h', text: t('my_result_h') }),
      el('p', {}, fileLink(d.code, d.result.sha256, t('my_result_download'), { class: 'button primary', id: 'result-file' })),
      d.result.document ? el('p', { id: 'result-number', text: t('my_result_number', { n: d.result.document.number_text }) }) : null,
      el('p', { class: 'hint', text: t('my_result_hint', { at: when(d.result.at), where: d.return_place || '' }) })) : null,
    el('section', { class: 'card', 'aria-labelledby': 'steps-h' },
      el('h2', { id: 'steps-h', text: t('my_timeline') }),
      timeline(d)),
    el('section', { class: 'card', id: 'documents', 'aria-labelledby': 'docs-h' },
      el('h2', { id: 'docs-h', text: t('my_documents') }),
      forms.length ? el('div', { class: 'actions' }, ...forms.map(([no, key]) => formLink(d.code, no, key))) : null,
      d.received_at || noResult ? null : el('p', { class: 'hint', id: 'receipt-later', text: t('ap_receipt_later') }),
      el('h3', { text: t('papers') }),
      el('ul', { class: 'cz-papers' }, ...(d.papers || []).map((p) => el('li', {}, pick(p), ' ',
        el('span', { class: 'hint', text: `(${kindText(p)})` }))))),
    sentSection(d, proc),
    link('/ho-so-cua-toi', t('my_back'), { class: 'back' })].filter(Boolean));
}

// What the applicant sent: the declaration as submitted, every file (the
// ones a supplement replaced too), and what was handed in for each request
// for papers.
function sentSection(d, proc) {
  const def = proc || { form: [] };
  const notices = (d.supplements || []).filter((n) => (n.answers || []).length);
  return el('section', { class: 'card', id: 'sent', 'aria-labelledby': 'sent-h' },
    el('h2', { id: 'sent-h', text: t('my_sent_h') }),
    formView(def.form, d.form || {}, (sha, f) => {
      const a = fileLink(d.code, sha, t('my_download', { name: pick(f, 'label') }));
      // a paper taken from the personal document store says where it came from
      const u = (d.reused || []).find((x) => x.field === f.name && x.sha256 === sha);
      return u ? el('span', {}, a, ' ', el('span', { class: 'badge pp-issued', text: t('pp_from_store', { title: paperTitle(u), source: paperSource(u) }) })) : a;
    }),
    earlierFiles(d, def),
    ...notices.map((n, k) => el('div', { class: 'sent-notice' },
      el('h3', { text: t('my_sent_for_notice', { at: when(n.requested_at) }) }),
      noticeItems(d, n, def, `sent-${k + 1}`))));
}

// Withdrawing, while the server allows it (before the result): a button,
// then a confirmation that says what it means.
function withdrawBox(view, d, etag, proc) {
  if (!['submitted', 'supplement_requested', 'in_progress'].includes(d.status)) return null;
  const status = el('div', { id: 'withdraw-status', 'aria-live': 'assertive' });
  const confirm = el('div', { id: 'withdraw-confirm', class: 'warning', hidden: true },
    el('p', { text: t(d.received_at ? 'my_withdraw_confirm_received' : 'my_withdraw_confirm') }),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'danger', id: 'withdraw-yes', text: t('my_withdraw_yes'), onclick: async (e) => {
        e.target.disabled = true;
        const r = await api('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/withdraw`, {},
          { headers: { 'If-Match': etag || `"v${d.version}"` }, noIdempotency: true });
        e.target.disabled = false;
        if (r.status === 200) {
          render(view, r.body, r.headers.get('ETag'), proc, el('p', { class: 'notice', role: 'status', id: 'withdrawn', text: t('my_withdrawn') }));
          return;
        }
        status.replaceChildren(r.status === 412 || r.status === 409
          ? el('p', { class: 'error', role: 'alert', text: t('my_changed') }) : alertBox(r));
      } }),
      el('button', { type: 'button', id: 'withdraw-no', text: t('my_withdraw_no'), onclick: () => { confirm.hidden = true; open.hidden = false; open.focus(); } })));
  const open = el('button', { type: 'button', id: 'withdraw', class: 'linkish', text: t('my_withdraw'), onclick: () => {
    confirm.hidden = false;
    open.hidden = true;
    confirm.querySelector('button').focus();
  } });
  return el('div', { class: 'withdraw' }, open, confirm, status);
}

// The steps as a timeline: done (when, early / on time / late), the one in
// hand (its deadline), the ones to come.
function timeline(d) {
  const ended = ['refused', 'withdrawn', 'stopped', 'returned'].includes(d.status);
  const items = [];
  if (d.channel === 'online') {
    items.push(el('li', { class: 'cz-step-done' },
      el('strong', { text: t('my_step_submitted') }), ' ',
      el('time', { datetime: d.submitted_at, text: when(d.submitted_at) })));
  }
  for (const s of d.steps) {
    const current = !ended && !s.finished_at && s.seq === d.current_step;
    const cls = s.finished_at ? 'cz-step-done' : current ? 'cz-step-current' : 'cz-step-pending';
    const lines = [];
    if (s.finished_at) {
      lines.push(el('span', {}, `${t('finished')}: `, el('time', { datetime: s.finished_at, text: when(s.finished_at) })),
        s.result ? el('span', { class: `cz-tl ${s.result}`, text: t(s.result) }) : null);
    } else if (current) {
      lines.push(el('span', { class: 'now', text: d.status === 'supplement_requested' ? t('my_step_paused') : t('my_step_current') }));
      if (s.due_at) {
        lines.push(el('span', {}, `${t('due')}: `, el('time', { datetime: s.due_at, text: when(s.due_at) })));
        if (d.status !== 'supplement_requested' && Date.now() > Date.parse(s.due_at)) lines.push(el('span', { class: 'cz-tl late', text: t('late') }));
      }
    } else {
      lines.push(el('span', { class: 'hint', text: ended ? t('my_step_none') : t('my_step_pending') }));
    }
    items.push(el('li', { class: cls, 'aria-current': current ? 'step' : null },
      el('strong', { text: `${t('step')} ${s.seq}: ${pick(s)}` }),
      el('span', { class: 'unit', text: pick(s.unit) }),
      el('span', { class: 'when' }, ...lines)));
  }
  return el('ol', { class: 'timeline cz-steps', id: 'timeline' }, ...items);
}

// The office's request for more papers: why, each item with its state
// and what was already sent for it, an upload for every item still open
// (an item the procedure takes in a field of its form goes into that
// field; any other item, asked for in the official's own words, is kept
// with the answer), a note, and the button that hands them in.  The
// official then checks the answer item by item; the time starts again
// only when everything is in hand.
function supplementBox(view, d, etag, proc) {
  const s = d.supplement;
  const status = el('div', { id: 'sup-status' });
  const uploads = []; // {item, field, box}
  const lis = (s.items || []).map((text, k) => {
    const st = itemState(s, k);
    if (st === 'received') {
      return el('li', {}, el('span', { class: 'cz-item', text }), ' ', itemBadge(st));
    }
    const m = proc ? attachmentFor(proc, text) : { field: null, paper: null };
    const a = attachment({ id: `sup-${k}`, field: `files.${uploads.length}`, label: text,
      hint: [m.paper && pick(m.paper) !== text ? pick(m.paper) + '.' : '', st === 'missing' ? t('sup_still_missing') : ''].filter(Boolean).join(' ') });
    a.box.prepend(el('div', { class: 'sup-state' }, itemBadge(st)));
    uploads.push({ item: k + 1, field: m.field ? m.field.name : null, box: a });
    return el('li', {}, a.box);
  });
  const note = el('textarea', { id: 'sup-note', 'data-field': 'note', rows: '2', maxlength: '2000', 'aria-describedby': 'sup-note-hint' });
  const send = el('button', { type: 'submit', class: 'primary', id: 'send-supplement', text: t('my_sup_send') });
  const form = el('form', { id: 'supplement-form', novalidate: true, 'aria-labelledby': 'sup-items-h' },
    el('h3', { id: 'sup-items-h', text: t('my_sup_items') }),
    el('ul', { class: 'cz-papers cz-sup-items', id: 'sup-items' }, ...lis),
    el('div', { class: 'field' }, el('label', { for: note.id, text: t('my_sup_note') }),
      el('p', { class: 'hint', id: 'sup-note-hint', text: t('my_sup_note_hint', { where: d.received_agency ? pick(d.received_agency) : '' }) }), note),
    status,
    el('div', { class: 'actions' }, send));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const errors = [];
    for (const u of uploads) {
      const msg = u.box.busy ? t('ap_err_uploading') : u.box.error;
      if (msg) errors.push({ field: u.box.input.dataset.field, message: msg, message_vi: msg, message_en: msg });
    }
    const chosen = uploads.filter((u) => u.box.sha);
    if (!errors.length && !chosen.length && !note.value.trim()) {
      const msg = t('my_sup_nothing');
      errors.push({ field: uploads.length ? uploads[0].box.input.dataset.field : 'note', message: msg, message_vi: msg, message_en: msg });
    }
    if (errors.length) {
      showFieldErrors(form, { status: 422, body: { errors } });
      return;
    }
    send.disabled = true;
    status.replaceChildren(el('p', { class: 'hint', role: 'status', text: t('ap_sending') }));
    // the files in the order of the upload boxes: files.<n> errors land there
    const body = { files: uploads.filter((u) => u.box.sha).map((u) => ({ item: u.item, sha256: u.box.sha, ...(u.field ? { field: u.field } : {}) })) };
    uploads.forEach((u, n) => { u.box.input.dataset.field = `files.${chosen.indexOf(u) >= 0 ? chosen.indexOf(u) : 'x' + n}`; });
    if (note.value.trim()) body.note = note.value.trim();
    const r = await api('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/supplement`, body,
      { headers: { 'If-Match': etag || `"v${d.version}"` }, noIdempotency: true });
    send.disabled = false;
    if (r.status === 200) {
      render(view, r.body, r.headers.get('ETag'), proc,
        el('p', { class: 'notice', role: 'status', id: 'sup-sent', text: t('my_sup_sent_wait') }));
      return;
    }
    if (r.status === 422) {
      const rest = showFieldErrors(form, r);
      status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
      return;
    }
    if (r.status === 412 || r.status === 409) {
      // someone changed the dossier meanwhile: show it as it is now
      status.replaceChildren(el('p', { class: 'error', role: 'alert', text: t('my_changed') }),
        el('button', { type: 'button', text: t('my_reload'), onclick: () => detail(view, d.code) }));
      return;
    }
    status.replaceChildren(el('p', { class: 'error', role: 'alert', text: problemText(r) }));
  });

  const answered = (s.answers || []).length;
  return el('section', { class: 'card cz-supplement', id: 'supplement', 'aria-labelledby': 'sup-h' },
    el('h2', { id: 'sup-h', text: t('my_sup_h') }),
    el('p', { class: 'warning', text: t('my_sup_intro', { at: when(s.requested_at) }) }),
    s.reason ? el('dl', { class: 'cz-facts' }, el('dt', { text: t('my_sup_reason') }), el('dd', { id: 'sup-reason', text: s.reason })) : null,
    answered ? el('div', { id: 'sup-answered' },
      el('p', { class: 'notice', text: t('my_sup_waiting_check', { at: when(s.answered_at) }) }),
      noticeItems(d, s, proc)) : null,
    form);
}
