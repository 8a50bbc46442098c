// pages/mine.js - the applicant's own dossiers (/ho-so-cua-toi) and one of
// them (/ho-so-cua-toi/:code): status, appointment, each step with its
// unit and whether it was early, on time or late, the printable forms, and,
// when the office asked for more papers, the request with an upload for
// each missing paper and the "send" button (the supplement action).
import { state, t, el, api, link, page, pick, when, day, alertBox, statusBadge, showFieldErrors, clearFieldErrors, problemText } from '../lib.js';
import { attachment, attachmentFor, formsOf, formLink, kindText } from './citizen-ui.js';

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

function render(view, d, etag, proc, flash) {
  const dl = [];
  const item = (k, v, id) => dl.push(el('dt', { text: t(k) }), el('dd', { id }, v));
  item('status', statusBadge(d.status), 'status');
  item('my_submitted', when(d.submitted_at));
  item('received', when(d.received_at));
  item('appointment', d.due_at ? when(d.appointment_at || d.due_at) : t('ap_due_later'), 'due');
  item('my_progress', progressBadge(d), 'progress');
  if (d.completed_at) item('my_completed', when(d.completed_at));
  if (d.returned_at) item('my_returned', when(d.returned_at));
  item('ap_where', d.received_agency ? pick(d.received_agency) : '—');
  if (d.competent_agency && d.received_agency && d.competent_agency.id !== d.received_agency.id) item('my_competent', pick(d.competent_agency));
  item('ap_return', t('ap_return_' + d.return_method));
  item('ap_secret', d.secret);

  const notes = [];
  if (d.supplement && d.supplement.supplied_at && d.status !== 'supplement_requested') {
    notes.push(el('p', { class: 'notice', text: t('my_sup_done', { at: when(d.supplement.supplied_at) }) }));
  }
  if (d.refusal) {
    notes.push(el('div', { class: 'warning' }, el('p', { text: t('my_refused', { at: when(d.refusal.at) }) }),
      el('ul', {}, ...(d.refusal.reasons || []).map((x) => el('li', { text: x })))));
  }
  if (d.stop) notes.push(el('p', { class: 'warning', text: t('my_stopped', { at: when(d.stop.at), reason: d.stop.reason }) }));
  if (d.extension) {
    notes.push(el('p', { class: 'warning', text: t('my_extended', { old: when(d.extension.old_due_at), due: when(d.extension.new_due_at), reason: d.extension.reason }) }));
  }

  const forms = formsOf(d);
  page(view, d.code, ...[
    flash,
    el('section', { class: 'card', 'aria-labelledby': 'sum-h' },
      el('h2', { id: 'sum-h', text: pick(d.procedure) }),
      el('dl', { class: 'cz-facts' }, ...dl),
      ...notes),
    d.status === 'supplement_requested' && d.supplement ? supplementBox(view, d, etag, proc) : null,
    el('section', { class: 'card', 'aria-labelledby': 'steps-h' },
      el('h2', { id: 'steps-h', text: t('my_timeline') }),
      timeline(d)),
    el('section', { class: 'card', id: 'documents', 'aria-labelledby': 'docs-h' },
      el('h2', { id: 'docs-h', text: t('my_documents') }),
      forms.length ? el('div', { class: 'actions' }, ...forms.map(([no, key]) => formLink(d.code, no, key))) : null,
      d.received_at ? null : el('p', { class: 'hint', id: 'receipt-later', text: t('ap_receipt_later') }),
      el('h3', { text: t('papers') }),
      el('ul', { class: 'cz-papers' }, ...(d.papers || []).map((p) => el('li', {}, pick(p), ' ',
        el('span', { class: 'hint', text: `(${kindText(p)})` }))))),
    link('/ho-so-cua-toi', t('my_back'), { class: 'back' })].filter(Boolean));
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

// The office's request for more papers: why, which ones, an upload for
// each paper the procedure takes online, and the button that hands them in.
function supplementBox(view, d, etag, proc) {
  const s = d.supplement;
  const status = el('div', { id: 'sup-status' });
  const uploads = new Map(); // form field -> attachment box
  const lis = (s.items || []).map((text, k) => {
    const m = proc ? attachmentFor(proc, text) : { field: null, paper: null };
    if (m.field && !uploads.has(m.field.name)) {
      const a = attachment({ id: `sup-${k}`, field: `form.${m.field.name}`, label: text, required: true,
        hint: m.paper && pick(m.paper) !== text ? pick(m.paper) + '.' : '' });
      uploads.set(m.field.name, a);
      return el('li', {}, a.box);
    }
    return el('li', {}, el('span', { class: 'cz-item', text: text }), ' ',
      el('span', { class: 'hint', text: `— ${t('my_sup_counter')}` }));
  });
  const send = el('button', { type: 'submit', class: 'primary', id: 'send-supplement', text: t('my_sup_send') });
  const form = el('form', { id: 'supplement-form', novalidate: true, 'aria-labelledby': 'sup-items-h' },
    el('h3', { id: 'sup-items-h', text: t('my_sup_items') }),
    el('ul', { class: 'cz-papers cz-sup-items', id: 'sup-items' }, ...lis),
    uploads.size ? null : el('p', { class: 'hint', text: t('my_sup_no_upload', { where: d.received_agency ? pick(d.received_agency) : '' }) }),
    status,
    uploads.size ? el('div', { class: 'actions' }, send) : null);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const errors = [];
    for (const [name, a] of uploads) {
      const msg = a.busy ? t('ap_err_uploading') : a.error || (!a.sha ? t('ap_err_file_required') : '');
      if (msg) errors.push({ field: `form.${name}`, message: msg, message_vi: msg, message_en: msg });
    }
    if (errors.length) {
      showFieldErrors(form, { status: 422, body: { errors } });
      status.replaceChildren(el('p', { class: 'error', role: 'alert', text: t('ap_errors_summary', { n: errors.length }) }));
      return;
    }
    send.disabled = true;
    status.replaceChildren(el('p', { class: 'hint', role: 'status', text: t('ap_sending') }));
    const body = { form: Object.fromEntries([...uploads].map(([name, a]) => [name, a.sha])) };
    const r = await api('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/supplement`, body,
      { headers: { 'If-Match': etag || `"v${d.version}"` }, noIdempotency: true });
    send.disabled = false;
    if (r.status === 200) {
      render(view, r.body, r.headers.get('ETag'), proc,
        el('p', { class: 'notice', role: 'status', id: 'sup-sent', text: t('my_sup_sent', { status: t('st_' + r.body.status) }) }));
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

  return el('section', { class: 'card cz-supplement', id: 'supplement', 'aria-labelledby': 'sup-h' },
    el('h2', { id: 'sup-h', text: t('my_sup_h') }),
    el('p', { class: 'warning', text: t('my_sup_intro', { at: when(s.requested_at) }) }),
    s.reason ? el('dl', { class: 'cz-facts' }, el('dt', { text: t('my_sup_reason') }), el('dd', { id: 'sup-reason', text: s.reason })) : null,
    form);
}
