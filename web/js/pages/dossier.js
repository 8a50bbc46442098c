// pages/dossier.js - one dossier as an official sees it: the header (code,
// procedure, applicant, status, due date and how it stands), the actions
// the official may take at the current step (each a small labelled form
// sent with If-Match = the dossier's ETag), the printable forms 01-06, the
// papers received and the attachments, the form data, the steps, and the
// timeline of every event with who received it, who viewed it and who has
// not yet acted.
//
// The API does not list the allowed actions: they are derived from the
// status, the current step (pending_officials names the officials of the
// step's role and unit) and the official's roles and agency, and the
// server refuses anything else (403 / 409 shown as they come).
import { state, t, el, api, go, link, page, pick, when, alertBox, problemText, statusBadge, overdueBadge, showFieldErrors, clearFieldErrors, dateInput, isoDay } from '../lib.js';
import { officialOnly, dueCell } from './office.js';
import { formView } from './office-form.js';
import { fileLink, itemState, noticeItems, earlierFiles } from './papers.js';
import { attachment } from './citizen-ui.js';
import { pinBox, withPin } from './signatures.js';
import { paymentCard } from './payments.js';

const FORMS = ['01', '02', '03', '04', '05', '06'];
const ENDED = ['returned', 'refused', 'withdrawn', 'stopped'];

// A time typed on the 24-hour clock ("16:30", "16.30", "16h30") as HH:MM,
// or '' when it is not one.
function hhmm(s) {
  const m = /^(\d{1,2})[:.hH](\d{2})$/.exec(s.trim());
  return m && Number(m[1]) < 24 && Number(m[2]) < 60 ? `${m[1].padStart(2, '0')}:${m[2]}` : '';
}

export async function dossier(view, code, qs) {
  if (!officialOnly(view, 'dossier.read')) return;
  const res = await api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
  if (res.status !== 200) {
    page(view, t('of_dossier_title'), alertBox(res), link('/can-bo', t('of_back_queues'), { class: 'back' }));
    return;
  }
  const d = res.body;
  const etag = res.headers.get('ETag') || `"v${d.version}"`;
  const procRes = await api('GET', `/api/v1/procedures/${encodeURIComponent(d.procedure.code)}?version=${d.procedure.version}`);
  const def = procRes.status === 200 ? procRes.body : { form: [], papers: [], steps: [] };
  const done = qs && qs.get('done');
  render(view, d, def, etag, done);
  // the message is for this visit only: a reload shows the page without it
  if (done) history.replaceState(null, '', location.pathname);
}

function render(view, d, def, etag, done) {
  const reload = (doneAction) => go(`/can-bo/ho-so/${encodeURIComponent(d.code)}${doneAction ? `?done=${doneAction}` : ''}`, true);
  const flash = done && t('of_done_' + done) !== 'of_done_' + done
    ? el('p', { class: 'notice', role: 'status', id: 'done', text: t('of_done_' + done) }) : null;
  page(view, t('of_dossier_h', { code: d.code }),
    ...(flash ? [flash] : []),
    header(d, def),
    actionsSection(d, def, etag, reload),
    paymentCard(d.code, { official: true }),
    formsSection(d),
    papersSection(d, def),
    el('section', { class: 'card', 'aria-labelledby': 'form-h' },
      el('h2', { id: 'form-h', text: t('of_form_data') }),
      formView(def.form, d.form || {}, (sha, f) => fileLink(d.code, sha, t('of_download', { name: pick(f, 'label') })))),
    stepsSection(d, def),
    timelineSection(d),
    link('/can-bo', t('of_back_queues'), { class: 'back' }));
}

// ---- the header ----

function header(d, def) {
  const ap = d.applicant || {};
  const row = (k, ...v) => [el('dt', { text: t(k) }), el('dd', {}, ...v)];
  const step = (d.steps || []).find((s) => s.seq === d.current_step);
  return el('section', { class: 'card dossier-head', 'aria-labelledby': 'head-h' },
    el('h2', { id: 'head-h', class: 'proc-name', text: pick(d.procedure) }),
    el('p', { class: 'code', text: `${d.procedure.code} · ${pick(d.procedure, 'field')} · ${t(d.channel === 'online' ? 'online' : 'counter')}` }),
    el('dl', { class: 'head-dl' },
      ...row('status', el('span', { id: 'status' }, statusBadge(d.status)), ' ', overdueBadge(d)),
      ...row('of_applicant', el('span', { id: 'applicant', text: ap.full_name || '—' }),
        ap.id_number || ap.tax_code ? el('span', { class: 'code', text: ` · ${ap.id_number || ap.tax_code}` }) : null),
      ...(ap.phone || ap.email ? row('of_contact', [ap.phone, ap.email].filter(Boolean).join(' · ')) : []),
      ...(ap.address ? row('of_address', ap.address) : []),
      ...row('of_submitted', when(d.submitted_at)),
      ...row('received', when(d.received_at), d.received_by ? el('span', { id: 'received-by', text: ` · ${d.received_by.full_name}` }) : null),
      // the legal deadline, which scores the dossier, and (after an
      // apology) the new date the applicant was given
      ...row('of_legal_due', el('span', { id: 'due' }, d.due_at ? dueCell(d.due_at, d.result_status, d.status) : '—'),
        d.late_with_apology ? el('span', { id: 'late-apology', class: 'due-word', text: ` (${t('late_with_apology')})` }) : null),
      ...(d.extended ? row('appointment', el('span', { id: 'appointment', text: when(d.appointment_at) }),
        el('span', { class: 'code', text: ` (${t('of_extended')})` })) : []),
      ...(step && !ENDED.includes(d.status)
        ? row('of_current_step', `${step.seq}. ${pick(step)} · ${t('of_role_' + step.role)} · ${pick(step.unit)}`) : []),
      ...(d.assignee ? row('of_assignee', el('span', { id: 'assignee', text: d.assignee.full_name })) : []),
      ...row('of_competent', pick(d.competent_agency) || '—'),
      ...(d.completed_at ? row('of_completed', when(d.completed_at)) : []),
      ...(d.returned_at ? row('of_returned', when(d.returned_at)) : [])),
    d.supplement && d.status === 'supplement_requested' ? el('div', { class: 'warning', id: 'supplement' },
      el('p', { text: t('of_supplement_asked', { at: when(d.supplement.requested_at) }) }),
      d.supplement.answered_at ? el('p', { id: 'sup-answered', text: t('of_supplement_answered', { at: when(d.supplement.answered_at) }) }) : null,
      noticeItems(d, d.supplement, def),
      d.supplement.reason ? el('p', { text: d.supplement.reason }) : null) : null,
    d.result && d.result.sha256 ? el('p', { id: 'result-doc' }, fileLink(d.code, d.result.sha256, t('of_result_doc', { at: when(d.result.at) }))) : null,
    d.result && d.result.document ? el('p', { id: 'result-number' }, link(`/can-bo/van-ban/${d.result.document.id}`, t('of_result_number', { n: d.result.document.number_text }))) : null,
    d.refusal ? el('div', { class: 'warning' }, el('p', { text: t('of_refused_because') }),
      el('ul', {}, ...(d.refusal.reasons || []).map((x) => el('li', { text: x })))) : null,
    d.extension ? el('p', { class: 'hint', id: 'extension-note', text: t(d.extension.approved === false ? 'of_extension_pending' : 'of_extension_note', { old: when(d.extension.old_due_at), new: when(d.extension.new_due_at), reason: d.extension.reason }) }) : null,
    d.stop ? el('p', { class: 'warning', text: `${t('of_stopped_because')} ${d.stop.reason}` }) : null);
}

// ---- actions ----

// What this official may do now, as far as the page can tell.
function allowedActions(d) {
  const me = state.me;
  const roles = me.roles || [];
  const myAgency = me.agency?.id;
  const atStep = (d.pending_officials || []).some((p) => p.id === me.id);
  const clerkHere = roles.includes('clerk') && myAgency === d.received_agency?.id;
  const headHere = (roles.includes('dept_head') || roles.includes('leader')) && myAgency === d.current_agency?.id;
  const leaderCompetent = roles.includes('leader') && myAgency === d.competent_agency?.id;
  const out = [];
  switch (d.status) {
    case 'submitted':
      if (atStep || clerkHere) out.push('receive', 'request_supplement', 'refuse');
      break;
    case 'in_progress': {
      const last = (d.steps || []).length;
      if (atStep && d.current_step < last) out.push('forward');
      if (headHere) out.push('assign');
      if (atStep) out.push('request_supplement', 'refuse');
      if ((atStep || leaderCompetent) && !d.extended && !d.extension) out.push('extend');
      // the apology is the head's (or a deputy's) to approve and sign
      if (leaderCompetent && d.extension && d.extension.approved === false) out.push('approve_extension');
      if (leaderCompetent) out.push('stop');
      break;
    }
    case 'supplement_requested':
      // the applicant's answer is checked item by item by the officer who
      // asked (or a clerk); a clerk may also hand in papers brought to the counter
      if (clerkHere || (atStep && d.received_at)) out.push('check_supplement');
      if (clerkHere) out.push('supplement');
      break;
    case 'result_ready':
      if (atStep || clerkHere) out.push('return');
      break;
    default:
  }
  return out;
}

// The forward of the step before the last (the leader's) is the approval.
function isApproval(d) {
  const last = (d.steps || []).length;
  return d.current_step === last - 1;
}

function actionLabel(d, a) {
  if (a === 'forward') return t(isApproval(d) ? 'of_act_approve' : 'of_act_forward');
  return t('of_act_' + a);
}

function actionsSection(d, def, etag, reload) {
  const acts = allowedActions(d);
  const box = el('section', { class: 'card', id: 'actions', 'aria-labelledby': 'act-h' },
    el('h2', { id: 'act-h', text: t('of_actions') }));
  if (!acts.length) {
    box.append(el('p', { class: 'hint', id: 'no-actions', text: t(ENDED.includes(d.status) ? 'of_no_actions_ended' : 'of_no_actions') }));
    return box;
  }
  const panels = el('div', {});
  const buttons = el('div', { class: 'actions act-buttons' });
  for (const a of acts) {
    const panel = actionForm(d, def, etag, a, reload);
    panel.hidden = true;
    const b = el('button', {
      type: 'button', class: a === 'refuse' || a === 'stop' ? 'danger' : a === acts[0] ? 'primary' : null,
      'aria-expanded': 'false', 'aria-controls': panel.id, text: actionLabel(d, a), id: `open-${a}`,
    });
    b.addEventListener('click', () => {
      const open = panel.hidden;
      for (const p of panels.children) p.hidden = true;
      for (const x of buttons.children) x.setAttribute('aria-expanded', 'false');
      panel.hidden = !open;
      b.setAttribute('aria-expanded', String(open));
      if (open) panel.querySelector('input, textarea, select, button[type=submit]')?.focus();
    });
    buttons.append(b);
    panels.append(panel);
  }
  box.append(buttons, panels);
  return box;
}

// One action's form: its inputs, a submit button, and the answer.
function actionForm(d, def, etag, a, reload) {
  const id = `act-${a}`;
  const status = el('div', { class: 'act-status', 'aria-live': 'assertive' });
  const form = el('form', { class: 'act-form', id, novalidate: true, 'aria-labelledby': `${id}-h` },
    el('h3', { id: `${id}-h`, text: actionLabel(d, a) }));
  let body = () => ({});
  let check = () => [];
  const note = (labelKey = 'of_note') => {
    const ta = el('textarea', { id: `${id}-note`, name: 'note', rows: '2', maxlength: '2000' });
    form.append(el('div', { class: 'field' }, el('label', { for: ta.id, text: t(labelKey) }), ta));
    return ta;
  };
  const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);
  const problem = (field, message) => ({ field, message, message_vi: message, message_en: message });
  const required = (field) => problem(field, t('of_required'));

  switch (a) {
    case 'receive': {
      form.append(el('p', { text: t('of_receive_text') }));
      const n = note();
      body = () => (n.value.trim() ? { note: n.value.trim() } : {});
      break;
    }
    case 'forward': {
      const next = (d.steps || []).find((s) => s.seq === d.current_step + 1);
      if (next) form.append(el('p', { text: t(isApproval(d) ? 'of_approve_text' : 'of_forward_text', { step: pick(next), unit: pick(next.unit) }) }));
      // the approval carries the result document the applicant will download
      const doc = isApproval(d) ? attachment({ id: `${id}-result`, field: 'result_file', label: t('of_result_file'), hint: t('of_result_file_hint') }) : null;
      if (doc) form.append(doc.box);
      // the approver's PIN signs the result digitally (empty: the seal alone)
      if (doc) {
        const slot = el('div', { id: `${id}-pin-slot` });
        form.append(slot);
        pinBox(`${id}-pin`).then((box) => slot.replaceChildren(box));
      }
      const n = note();
      check = () => (doc && (doc.busy || doc.error) ? [problem('result_file', doc.busy ? t('ap_err_uploading') : doc.error)] : []);
      body = () => withPin(form, { ...(n.value.trim() ? { note: n.value.trim() } : {}), ...(doc && doc.sha ? { result_file: doc.sha } : {}) });
      break;
    }
    case 'check_supplement': {
      // each item not yet in hand: in hand now, or still missing
      const open = (d.supplement.items || []).map((text, k) => ({ text, k })).filter(({ k }) => itemState(d.supplement, k) !== 'received');
      form.append(el('p', { text: t('of_check_text') }));
      const groups = open.map(({ text, k }) => {
        const name = `${id}-i${k}`;
        const fs = el('fieldset', { class: 'inline', id: name, 'data-field': `items.${k}`, tabindex: '-1' },
          el('legend', { text: `${k + 1}. ${text}` }),
          el('label', { class: 'check', for: `${name}-y` }, el('input', { type: 'radio', name, id: `${name}-y`, value: 'yes' }), t('of_check_received')),
          el('label', { class: 'check', for: `${name}-n` }, el('input', { type: 'radio', name, id: `${name}-n`, value: 'no' }), t('of_check_missing')));
        form.append(fs);
        return { k, fs };
      });
      const n = note();
      const choice = (g) => g.fs.querySelector('input:checked')?.value;
      check = () => groups.filter((g) => !choice(g)).map((g) => problem(`items.${g.k}`, t('of_check_pick')));
      body = () => ({ items: groups.map((g) => ({ no: g.k + 1, received: choice(g) === 'yes' })), ...(n.value.trim() ? { note: n.value.trim() } : {}) });
      break;
    }
    case 'return': {
      form.append(el('p', { text: t('of_return_text') }));
      const n = note();
      body = () => (n.value.trim() ? { note: n.value.trim() } : {});
      break;
    }
    case 'supplement': {
      form.append(el('p', { text: t('of_supplement_text') }));
      if (d.channel !== 'counter') break;
      // a walk-in dossier: the clerk ticks every paper now in hand
      const had = new Set((d.papers || []).map((p) => p.code));
      const fs = el('fieldset', { 'data-field': 'papers', id: `${id}-papers`, tabindex: '-1' }, el('legend', { text: t('of_sup_checklist') }));
      (def.papers || []).forEach((p, k) => {
        const cid = `${id}-h${k}`;
        fs.append(el('label', { class: 'check', for: cid },
          el('input', { type: 'checkbox', id: cid, value: p.code, checked: had.has(p.code), 'data-field': `papers.${p.code}` }),
          `${pick(p)} (${t(p.kind)}, ${p.count})`));
      });
      form.append(fs);
      body = () => ({ papers: [...fs.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value) });
      break;
    }
    case 'request_supplement': {
      const fs = el('fieldset', { 'data-field': 'items', id: `${id}-items`, tabindex: '-1' }, el('legend', { text: t('of_missing_papers') }));
      (def.papers || []).forEach((p, k) => {
        const cid = `${id}-p${k}`;
        fs.append(el('label', { class: 'check', for: cid },
          el('input', { type: 'checkbox', id: cid, value: pick(p), 'data-paper': p.code }),
          `${pick(p)} (${t(p.kind)}, ${p.count})`));
      });
      const other = el('textarea', { id: `${id}-other`, rows: '3', maxlength: '4000', 'aria-describedby': `${id}-other-hint` });
      fs.append(el('div', { class: 'field' }, el('label', { for: other.id, text: t('of_other_papers') }),
        el('p', { class: 'hint', id: `${id}-other-hint`, text: t('of_one_per_line') }), other));
      const reason = el('textarea', { id: `${id}-reason`, name: 'reason', rows: '2', maxlength: '2000' });
      form.append(fs, el('div', { class: 'field' }, el('label', { for: reason.id, text: t('of_reason') }), reason));
      const items = () => [...fs.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value).concat(lines(other.value));
      check = () => (items().length ? [] : [problem('items', t('of_pick_missing'))]);
      body = () => ({ items: items(), ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) });
      break;
    }
    case 'refuse': {
      const r = el('textarea', { id: `${id}-reasons`, name: 'reasons', rows: '3', maxlength: '4000', required: true, 'aria-describedby': `${id}-reasons-hint` });
      form.append(el('div', { class: 'field' }, el('label', { for: r.id, text: t('of_refuse_reasons') + ' *' }),
        el('p', { class: 'hint', id: `${id}-reasons-hint`, text: t('of_one_per_line') }), r));
      check = () => (lines(r.value).length ? [] : [required('reasons')]);
      body = () => ({ reasons: lines(r.value) });
      break;
    }
    case 'assign': {
      const sel = el('select', { id: `${id}-who`, name: 'assignee_id', required: true },
        el('option', { value: '', text: t('of_choose') }),
        ...(d.pending_officials || []).map((p) => el('option', { value: String(p.id), text: p.full_name, selected: d.assignee?.id === p.id })));
      form.append(el('div', { class: 'field' }, el('label', { for: sel.id, text: t('of_assignee') + ' *' }), sel));
      check = () => (sel.value ? [] : [required('assignee_id')]);
      body = () => ({ assignee_id: Number(sel.value) });
      break;
    }
    case 'extend': {
      const appt = d.appointment_at || d.due_at;
      const old = appt ? new Date(new Date(appt).getTime() + 7 * 3600000) : null; // wall clock in Vietnam
      // typed as dd/mm/yyyy and 24-hour hh:mm whatever the browser's language
      const date = dateInput({ id: `${id}-date`, name: 'new_due_at', required: true, placeholder: t('of_date_placeholder'), 'aria-describedby': `${id}-date-hint` });
      const time = el('input', { id: `${id}-time`, 'data-field': 'new_due_time', type: 'text', inputmode: 'numeric', maxlength: '5', autocomplete: 'off',
        placeholder: t('of_time_placeholder'), 'aria-describedby': `${id}-time-hint`, value: old ? old.toISOString().slice(11, 16) : '17:00' });
      const reason = el('textarea', { id: `${id}-reason`, name: 'reason', rows: '3', maxlength: '2000', required: true });
      form.append(el('p', { text: t('of_extend_text', { due: when(appt) }) }),
        el('div', { class: 'field' }, el('label', { for: reason.id, text: t('of_extend_reason') + ' *' }), reason),
        el('div', { class: 'grid2 tight' },
          el('div', { class: 'field' }, el('label', { for: date.id, text: t('of_new_date') + ' *' }),
            el('p', { class: 'hint', id: `${id}-date-hint`, text: t('of_date_hint') }), date),
          el('div', { class: 'field' }, el('label', { for: time.id, text: t('of_new_time') }),
            el('p', { class: 'hint', id: `${id}-time-hint`, text: t('of_time_hint') }), time)));
      check = () => [
        ...(reason.value.trim() ? [] : [required('reason')]),
        ...(!date.value.trim() ? [required('new_due_at')] : isoDay(date.value) ? [] : [problem('new_due_at', t('of_date_bad'))]),
        ...(!time.value.trim() || hhmm(time.value) ? [] : [problem('new_due_time', t('of_time_bad'))]),
      ];
      body = () => ({ reason: reason.value.trim(), new_due_at: `${isoDay(date.value)}T${hhmm(time.value) || '17:00'}:00+07:00` });
      break;
    }
    case 'approve_extension': {
      form.append(el('p', { text: t('of_approve_extension_text', { new: when(d.extension.new_due_at), reason: d.extension.reason, by: d.extension.by?.full_name || '' }) }));
      break;
    }
    case 'stop': {
      const reason = el('textarea', { id: `${id}-reason`, name: 'reason', rows: '3', maxlength: '2000', required: true });
      form.append(el('div', { class: 'field' }, el('label', { for: reason.id, text: t('of_stop_reason') + ' *' }), reason));
      // a reason that is not the applicant's doing returns a fee paid (issue 16)
      const refund = el('input', { type: 'checkbox', id: `${id}-refund`, name: 'refund' });
      form.append(el('div', { class: 'field' }, el('label', { for: refund.id }, refund, ' ', t('of_stop_refund'))));
      check = () => (reason.value.trim() ? [] : [required('reason')]);
      body = () => ({ reason: reason.value.trim(), ...(refund.checked ? { refund: true } : {}) });
      break;
    }
    default:
  }
  // a specialist's extension goes to the head for approval first
  const head = (state.me.roles || []).includes('leader') && state.me.agency?.id === d.competent_agency?.id;
  const key = a === 'forward' && isApproval(d) ? 'approve' : a === 'extend' && !head ? 'extend_ask' : a;
  const submit = el('button', { type: 'submit', class: a === 'refuse' || a === 'stop' ? 'danger' : 'primary', text: t('of_confirm_' + key) });
  form.append(el('div', { class: 'actions' }, submit), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const missing = check();
    if (missing.length) {
      showFieldErrors(form, { status: 422, body: { errors: missing } });
      return;
    }
    submit.disabled = true;
    const res = await api('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/${a}`, body(), { headers: { 'If-Match': etag } });
    submit.disabled = false;
    if (res.status === 200) { reload(key); return; }
    const parts = [];
    if (res.status === 412 || res.status === 428) {
      parts.push(el('p', { class: 'error', role: 'alert', text: t('of_stale') }),
        el('button', { type: 'button', text: t('of_reload'), onclick: () => reload() }));
    } else if (res.status === 409) {
      // a refusal that says why (the fee not paid yet) is shown as it says
      const why = ((res.body && res.body.errors) || []).map((x) => (state.lang === 'en' ? x.message_en : x.message_vi) || x.message);
      parts.push(el('p', { class: 'error', role: 'alert', text: why.length ? why.join(' ') : `${t('of_wrong_state')} ${problemText(res)}` }),
        el('button', { type: 'button', text: t('of_reload'), onclick: () => reload() }));
    } else {
      const rest = res.status === 422 ? showFieldErrors(form, res) : [];
      parts.push(alertBox(res), ...rest.map((m) => el('p', { class: 'error', text: m })));
      if (res.body && res.body.detail && res.status === 403) parts.push(el('p', { class: 'hint', text: res.body.detail }));
    }
    status.replaceChildren(...parts);
  });
  return form;
}

// ---- printable forms ----

function formsSection(d) {
  const ok = {
    '01': !!d.received_at, '02': !!d.supplement, '03': !!d.refusal, '04': !!d.extension, '05': !!d.stop, '06': !!d.received_at,
  };
  const link02 = (n, of) => el('li', {},
    el('a', { href: `/api/v1/dossiers/${encodeURIComponent(d.code)}/forms/02.pdf?n=${n}&lang=${state.lang}`, target: '_blank', rel: 'noopener', id: `form-02-${n}`, text: `${t('of_form_02')} (${n}/${of})` }),
    el('span', { class: 'code', text: ` (${t('of_pdf')})` }));
  // every form 02 issued is kept: one link each when there were more
  const notices = d.supplements || [];
  const items = FORMS.filter((f) => ok[f]).flatMap((f) => (f === '02' && notices.length > 1 ? notices.map((_, k) => link02(k + 1, notices.length)) : [el('li', {},
    el('a', { href: `/api/v1/dossiers/${encodeURIComponent(d.code)}/forms/${f}.pdf?lang=${state.lang}`, target: '_blank', rel: 'noopener', id: `form-${f}`, text: t('of_form_' + f) }),
    el('span', { class: 'code', text: ` (${t('of_pdf')})` }))]));
  return el('section', { class: 'card', id: 'forms', 'aria-labelledby': 'forms-h' },
    el('h2', { id: 'forms-h', text: t('of_forms') }),
    items.length ? el('ul', { class: 'form-links' }, ...items) : el('p', { class: 'hint', text: t('of_no_forms') }));
}

// ---- papers and attachments ----

// Where an attached file came from: a paper taken from the applicant's
// personal document store is the issuing agency's record, not an upload.
function fileSource(d, f) {
  const u = (d.reused || []).find((x) => x.field === f.name && x.sha256 === d.form[f.name]);
  if (!u) return el('span', { class: 'hint', text: t('of_uploaded_by_applicant') });
  const agency = pick(u.issuer) || u.issuer?.name || '';
  return el('span', { class: 'badge pp-issued', 'data-field': f.name,
    text: u.number_text ? t('of_from_store', { agency, code: u.dossier_code, number: u.number_text })
      : t('of_from_store_nonum', { agency, code: u.dossier_code }) });
}

function papersSection(d, def) {
  const cell = (label, ...c) => el('td', { 'data-label': label }, ...c);
  const byCode = new Map((def.papers || []).map((p) => [p.code, p]));
  const rows = (d.papers || []).map((p) => el('tr', {},
    cell(t('of_no'), String(p.no)),
    cell(t('of_paper'), pick(byCode.get(p.code) || p) || p.name),
    cell(t('of_kind'), t(p.kind)),
    cell(t('of_count'), String(p.count)),
    cell(t('of_note'), p.note || '—')));
  const files = (def.form || []).filter((f) => f.type === 'attachment' && d.form && d.form[f.name]);
  return el('section', { class: 'card', id: 'papers', 'aria-labelledby': 'papers-h' },
    el('h2', { id: 'papers-h', text: t('of_papers_received') }),
    rows.length ? el('table', { class: 'stack' },
      el('caption', { class: 'sr-only', text: t('of_papers_received') }),
      el('thead', {}, el('tr', {}, ...['of_no', 'of_paper', 'of_kind', 'of_count', 'of_note'].map((k) => el('th', { scope: 'col', text: t(k) })))),
      el('tbody', {}, ...rows)) : el('p', { class: 'hint', text: t('of_no_papers') }),
    el('h3', { text: t('of_attachments') }),
    files.length ? el('ul', { id: 'attachments' }, ...files.map((f) => el('li', {},
      fileLink(d.code, d.form[f.name], pick(f, 'label')), ' ', fileSource(d, f)))) :
      el('p', { class: 'hint', text: t('of_no_attachments') }),
    earlierFiles(d, def));
}

// ---- steps ----

function stepsSection(d, def) {
  const cell = (label, ...c) => el('td', { 'data-label': label }, ...c);
  const rows = (d.steps || []).map((s) => el('tr', { class: s.seq === d.current_step && !ENDED.includes(d.status) ? 'current' : null },
    cell(t('step'), String(s.seq)),
    cell(t('step_name'), pick(s)),
    cell(t('of_role'), t('of_role_' + s.role)),
    cell(t('unit'), pick(s.unit) || '—'),
    cell(t('of_started'), when(s.received_at)),
    cell(t('due'), when(s.due_at)),
    cell(t('finished'), when(s.finished_at)),
    cell(t('of_by'), s.received_by?.full_name || '—'),
    cell(t('result'), s.result ? el('span', { class: s.result, text: t(s.result) }) : '—', s.note ? el('span', { class: 'hint', text: ` · ${s.note}` }) : null)));
  return el('section', { class: 'card', id: 'steps', 'aria-labelledby': 'steps-h' },
    el('h2', { id: 'steps-h', text: t('steps') }),
    el('table', { class: 'stack steps-full' },
      el('caption', { class: 'sr-only', text: t('steps') }),
      el('thead', {}, el('tr', {}, ...['step', 'step_name', 'of_role', 'unit', 'of_started', 'due', 'finished', 'of_by', 'result']
        .map((k) => el('th', { scope: 'col', text: t(k) })))),
      el('tbody', {}, ...rows)));
}

// ---- timeline ----

function timelineSection(d) {
  const unitOf = new Map((d.steps || []).map((s) => [s.seq, pick(s.unit)]));
  const events = d.events || [];
  const items = events.map((e) => {
    const what = e.action === 'forward' && e.detail && e.detail.approved ? t('of_ev_approve') : t('of_ev_' + e.action);
    return el('li', { class: `ev ev-${e.action}` },
      el('div', { class: 'ev-head' },
        el('time', { datetime: e.at, text: when(e.at) }), ' ',
        el('strong', { text: what }),
        e.to_status && e.to_status !== e.from_status ? el('span', {}, ' → ', statusBadge(e.to_status)) : null),
      el('div', { class: 'ev-who' },
        el('span', { class: 'actor', text: e.actor || t('of_system') }),
        el('span', { class: 'hint', text: ` · ${t('step')} ${e.step}${unitOf.get(e.step) ? ` · ${unitOf.get(e.step)}` : ''}` })));
  });
  const viewers = new Map();
  for (const e of events) if (e.action === 'view' && !viewers.has(e.actor_id)) viewers.set(e.actor_id, { name: e.actor, at: e.at });
  const pending = d.pending_officials || [];
  return el('section', { class: 'card', id: 'timeline', 'aria-labelledby': 'tl-h' },
    el('h2', { id: 'tl-h', text: t('of_timeline') }),
    el('dl', { class: 'who' },
      el('dt', { text: t('of_received_by') }),
      el('dd', { id: 'tl-received-by', text: d.received_by ? `${d.received_by.full_name} · ${when(d.received_at)}` : t('of_not_yet') }),
      el('dt', { text: t('of_viewed_by') }),
      el('dd', { id: 'tl-viewed-by', text: viewers.size ? [...viewers.values()].map((v) => `${v.name} (${when(v.at)})`).join('; ') : '—' }),
      el('dt', { text: t('of_pending') }),
      el('dd', { id: 'tl-pending' }, pending.length
        ? el('ul', { class: 'plain' }, ...pending.map((p) => el('li', {}, p.full_name, ' ',
          el('span', { class: p.viewed ? 'badge seen' : 'badge unseen', text: t(p.viewed ? 'of_viewed' : 'of_not_viewed') }))))
        : '—')),
    el('ol', { class: 'timeline', id: 'events' }, ...items));
}
