// pages/intake.js - taking a dossier in at a reception counter: the
// counter (the clerk's own by default), the applicant (looked up by the
// 12-digit ID number, or typed), the procedure (search as you type, without
// diacritics), the papers received ticked against the procedure's
// checklist (mandatory ones must be there: checked here and by the
// server), the procedure's form, then POST /api/v1/counters/{id}/dossiers.
// The answer gives the code and the tracking secret, with form 01 (receipt
// and appointment) to print at once.  A dossier that lacks papers is not
// turned away with nothing: the clerk issues form 02 (what to bring, in
// one notice), recorded under a code the applicant brings back.
import { state, t, el, api, go, link, page, pick, when, newKey, alertBox, showFieldErrors, clearFieldErrors, legalTime } from '../lib.js';
import { officialOnly } from './office.js';
import { buildForm, unitPicker } from './office-form.js';

const COUNTER_KEY = 'mc_counter'; // the clerk's last counter: a preference, nothing secret

export async function intake(view) {
  if (!officialOnly(view, 'dossier.intake')) return;
  const me = state.me;
  const [cr, ar] = await Promise.all([api('GET', '/api/v1/counters'), api('GET', '/api/v1/agencies')]);
  const agencies = new Map(ar.status === 200 ? ar.body.items.map((a) => [a.id, a]) : []);
  // counters of the clerk's agency and the units below it
  const within = (id) => {
    for (let a = agencies.get(id); a; a = agencies.get(a.parent_id)) if (a.id === me.agency?.id) return true;
    return false;
  };
  const counters = (cr.status === 200 ? cr.body.items : []).filter((c) => c.active && within(c.agency_id));

  const status = el('div', { id: 'intake-status' });
  const form = el('form', { class: 'intake', novalidate: true, 'aria-describedby': 'intake-status' });

  // 1. the counter
  const saved = Number(localStorage.getItem(COUNTER_KEY));
  const own = counters.find((c) => c.agency_id === me.agency?.id);
  const chosen = counters.find((c) => c.id === saved) || own || counters[0];
  const byAgency = new Map();
  for (const c of counters) {
    if (!byAgency.has(c.agency_id)) byAgency.set(c.agency_id, []);
    byAgency.get(c.agency_id).push(c);
  }
  const counterSel = el('select', { id: 'in-counter', name: 'counter_id', required: true },
    ...[...byAgency].map(([aid, cs]) => el('optgroup', { label: pick(agencies.get(aid)) || String(aid) },
      ...cs.map((c) => el('option', { value: String(c.id), selected: chosen && c.id === chosen.id, text: `${pick(c)} (${c.code})` })))));
  counterSel.addEventListener('change', () => localStorage.setItem(COUNTER_KEY, counterSel.value));
  form.append(el('fieldset', { class: 'card' }, el('legend', { text: t('of_in_counter_legend') }),
    el('div', { class: 'field' }, el('label', { for: 'in-counter', text: t('of_in_counter') + ' *' }), counterSel),
    counters.length ? null : el('p', { class: 'error', role: 'alert', text: t('of_in_no_counter') })));

  // 2. the applicant
  const idInput = el('input', { id: 'in-id', name: 'applicant.id_number', 'data-field': 'id_number', inputmode: 'numeric', maxlength: '12', autocomplete: 'off', 'aria-describedby': 'in-id-hint' });
  const lookupBtn = el('button', { type: 'button', id: 'in-lookup', text: t('of_in_lookup') });
  const lookupMsg = el('p', { id: 'in-lookup-msg', class: 'hint', 'aria-live': 'polite' });
  const nameInput = el('input', { id: 'in-name', name: 'applicant.full_name', required: true, maxlength: '100', autocomplete: 'off' });
  const phoneInput = el('input', { id: 'in-phone', name: 'applicant.phone', type: 'tel', inputmode: 'tel', maxlength: '20', autocomplete: 'off' });
  const emailInput = el('input', { id: 'in-email', name: 'applicant.email', type: 'email', maxlength: '254', autocomplete: 'off' });
  const addrInput = el('input', { id: 'in-address', name: 'applicant.address', maxlength: '300', autocomplete: 'off' });
  const ward = unitPicker('in-ward', 'applicant.ward_code', { 'aria-describedby': 'in-ward-hint' });
  form.append(el('fieldset', { class: 'card' }, el('legend', { text: t('of_in_applicant') }),
    el('div', { class: 'field' }, el('label', { for: 'in-id', text: t('of_in_id') + ' *' }),
      el('p', { class: 'hint', id: 'in-id-hint', text: t('of_in_id_hint') }),
      el('div', { class: 'inline-row' }, idInput, lookupBtn), lookupMsg),
    el('div', { class: 'grid2 tight' },
      el('div', { class: 'field' }, el('label', { for: 'in-name', text: t('of_in_name') + ' *' }), nameInput),
      el('div', { class: 'field' }, el('label', { for: 'in-phone', text: t('of_in_phone') }), phoneInput),
      el('div', { class: 'field' }, el('label', { for: 'in-email', text: t('of_in_email') }), emailInput),
      el('div', { class: 'field' }, el('label', { for: 'in-address', text: t('of_in_address') }), addrInput)),
    el('div', { class: 'field' }, el('label', { for: 'in-ward', text: t('of_in_ward') }),
      el('p', { class: 'hint', id: 'in-ward-hint', text: t('of_in_ward_hint') }), ward.box)));

  // What the last lookup wrote.  A new lookup first empties whatever the
  // clerk has not changed since, so that one person's name, phone, address
  // or ID never stays on another person's dossier (in the applicant's
  // details or in the procedure's form filled from them).
  let last = null; // {full_name, phone, address, ward_code, form: {field: value}}
  const forget = () => {
    if (!last) return;
    for (const [input, was] of [[nameInput, last.full_name], [phoneInput, last.phone], [addrInput, last.address]]) {
      if (input.value === was) input.value = '';
    }
    if (last.ward_code && ward.input.dataset.code === last.ward_code) ward.set('', '');
    for (const [name, was] of Object.entries(last.form)) {
      const c = procForm && procForm.node.querySelector(`[name="form.${name}"]`);
      if (!c || !was || (c.dataset.code || c.value.trim()) !== was) continue;
      c.value = '';
      c.dispatchEvent(new Event('input', { bubbles: true })); // a ward picker forgets its choice too
    }
    last = null;
  };

  const lookup = async () => {
    clearFieldErrors(form);
    const idn = idInput.value.trim();
    if (!/^\d{12}$/.test(idn)) {
      showFieldErrors(form, { status: 422, body: { errors: [{ field: 'id_number', message: t('of_in_id_bad'), message_vi: t('of_in_id_bad'), message_en: t('of_in_id_bad') }] } });
      return;
    }
    lookupBtn.disabled = true;
    lookupMsg.textContent = t('loading');
    const r = await api('POST', '/api/v1/applicants/lookup', { id_number: idn }, { noIdempotency: true });
    lookupBtn.disabled = false;
    if (r.status === 200 || r.status === 404) forget();
    if (r.status === 200) {
      const a = r.body;
      nameInput.value = a.full_name || '';
      phoneInput.value = a.phone || '';
      addrInput.value = a.address || '';
      ward.set(a.ward_code || '', a.ward_name || '');
      lookupMsg.textContent = t('of_in_found', { name: a.full_name });
      last = { full_name: nameInput.value, phone: phoneInput.value, address: addrInput.value, ward_code: a.ward_code || '',
        form: { full_name: a.full_name, id_number: idn, residence_unit: a.ward_code } };
      if (procForm) procForm.fill(last.form);
    } else if (r.status === 404) {
      lookupMsg.textContent = t('of_in_not_found');
      last = { full_name: '', phone: '', address: '', ward_code: '', form: { id_number: idn } };
      if (procForm) procForm.fill(last.form);
      nameInput.focus();
    } else if (r.status === 422) {
      lookupMsg.textContent = '';
      showFieldErrors(form, r);
    } else {
      lookupMsg.replaceChildren(alertBox(r));
    }
  };
  // What the clerk types for the applicant (nobody found: a new person)
  // goes on into the procedure's form, so that the same name and ID are
  // not typed twice: while that field is empty or still holds what the
  // applicant's field held before, it follows.
  for (const [input, name] of [[nameInput, 'full_name'], [idInput, 'id_number']]) {
    let before = input.value.trim();
    input.addEventListener('input', () => {
      const now = input.value.trim();
      const c = procForm && procForm.node.querySelector(`input[name="form.${name}"]`);
      if (c && (c.value.trim() === '' || c.value.trim() === before)) c.value = now;
      before = now;
    });
  }
  lookupBtn.addEventListener('click', lookup);
  idInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); lookup(); } });

  // 3. the procedure: search as you type, then its papers and form
  const procQ = el('input', { id: 'in-proc', type: 'search', 'data-field': 'procedure_code', autocomplete: 'off', 'aria-controls': 'in-proc-results', 'aria-describedby': 'in-proc-hint' });
  const procList = el('ul', { id: 'in-proc-results', class: 'results pick', 'aria-live': 'polite', 'aria-label': t('results') });
  const procChosen = el('p', { id: 'in-proc-chosen', class: 'notice', hidden: true });
  const procBox = el('fieldset', { class: 'card' }, el('legend', { text: t('of_in_procedure') }),
    el('div', { class: 'field' }, el('label', { for: 'in-proc', text: t('of_in_proc_search') + ' *' }),
      el('p', { class: 'hint', id: 'in-proc-hint', text: t('search_hint') }), procQ),
    procChosen, procList);
  form.append(procBox);
  const details = el('div', { id: 'in-details' });
  form.append(details);

  let def = null, procForm = null, paperBoxes = [];
  // The request whose answer was lost (no answer, a 5xx): sent again
  // unchanged it carries the same Idempotency-Key, so the server answers
  // it once instead of taking the dossier in twice.  Anything changed
  // makes a new request.
  let pending = null; // {what, key}
  let timer = 0, seq = 0;
  procQ.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = procQ.value.trim();
      const mine = ++seq;
      const r = await api('GET', `/api/v1/procedures?limit=10${q ? '&q=' + encodeURIComponent(q) : ''}`);
      if (mine !== seq) return;
      procList.replaceChildren();
      if (r.status !== 200) { procList.append(el('li', {}, alertBox(r))); return; }
      if (!r.body.items.length) procList.append(el('li', { text: t('search_none') }));
      for (const p of r.body.items) {
        procList.append(el('li', {},
          el('button', { type: 'button', class: 'linkish', text: pick(p), onclick: () => choose(p.code) }),
          el('span', { class: 'code', text: ` ${p.code} · ${pick(p, 'field')}` })));
      }
    }, 150);
  });

  const choose = async (code) => {
    const r = await api('GET', `/api/v1/procedures/${encodeURIComponent(code)}`);
    if (r.status !== 200) { status.replaceChildren(alertBox(r)); return; }
    def = r.body;
    procList.replaceChildren();
    procQ.value = '';
    procChosen.hidden = false;
    procChosen.replaceChildren(el('strong', { text: pick(def) }), el('span', { class: 'code', text: ` (${def.code})` }), ' ',
      el('span', { text: `· ${t('processing_time')}: ${legalTime(def.processing_time)}` }));
    // the papers received
    paperBoxes = [];
    const papers = el('fieldset', { class: 'card', id: 'in-papers', 'data-field': 'papers', tabindex: '-1' },
      el('legend', { text: t('of_in_papers') }),
      el('p', { class: 'hint', text: t('of_in_papers_hint') }));
    def.papers.forEach((p, k) => {
      const mandatory = p.mandatory && !p.condition;
      const id = `in-paper-${k}`;
      const box = el('input', { type: 'checkbox', id, value: p.code, 'data-field': `papers.${p.code}`, required: mandatory });
      paperBoxes.push({ p, box, mandatory });
      papers.append(el('div', { class: 'paper' }, box,
        el('label', { for: id }, `${pick(p)} (${t(p.kind)}, ${p.count})`,
          mandatory ? el('span', { class: 'req', text: ` * ${t('of_in_mandatory')}` }) : null),
        p.condition ? el('p', { class: 'hint cond', text: `${t('of_in_if')} ${pick(p, 'condition')}` }) : null));
    });
    // the form
    procForm = buildForm(def.form, 'in');
    procForm.fill({ full_name: nameInput.value.trim() || undefined, id_number: idInput.value.trim() || undefined, residence_unit: ward.input.dataset.code });
    const ret = el('select', { id: 'in-return', name: 'return_method' },
      ...['counter', 'post', 'online'].map((m) => el('option', { value: m, text: t('of_return_' + m) })));
    // not all the papers: form 02 instead of a receipt
    const other = el('textarea', { id: 'in-notice-items', rows: '2', maxlength: '4000', 'aria-describedby': 'in-notice-items-hint' });
    const why = el('textarea', { id: 'in-notice-reason', rows: '2', maxlength: '2000' });
    const noticeBtn = el('button', { type: 'button', id: 'in-notice', text: t('of_in_notice_send') });
    noticeBtn.addEventListener('click', () => send({ items: lines(other.value), ...(why.value.trim() ? { reason: why.value.trim() } : {}) }));
    const incomplete = el('details', { class: 'card', id: 'in-incomplete' },
      el('summary', { text: t('of_in_incomplete') }),
      el('p', { class: 'hint', text: t('of_in_incomplete_hint') }),
      el('div', { class: 'field', 'data-field': 'incomplete.items' }, el('label', { for: other.id, text: t('of_other_papers') }),
        el('p', { class: 'hint', id: 'in-notice-items-hint', text: t('of_one_per_line') }), other),
      el('div', { class: 'field', 'data-field': 'incomplete' }, el('label', { for: why.id, text: t('of_reason') }), why),
      el('div', { class: 'actions' }, noticeBtn));
    details.replaceChildren(papers,
      el('fieldset', { class: 'card' }, el('legend', { text: t('of_in_form') }), procForm.node,
        el('div', { class: 'field' }, el('label', { for: 'in-return', text: t('of_in_return') }), ret)),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'in-submit', text: t('of_in_submit') })),
      incomplete);
    papers.querySelector('input')?.focus();
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send(null);
  });

  // Take the dossier in; with incomplete ({items, reason}) it lacks papers
  // and form 02 is issued instead.
  const send = async (incomplete) => {
    clearFieldErrors(form);
    status.replaceChildren();
    if (!def) { procQ.focus(); return; }
    // what the clerk can see at once: required fields and mandatory papers
    const errs = [];
    const req = (field) => ({ field, message: t('of_required'), message_vi: t('of_required'), message_en: t('of_required') });
    if (!nameInput.value.trim()) errs.push(req('applicant.full_name'));
    if (!/^\d{12}$/.test(idInput.value.trim())) errs.push({ ...req('id_number'), message: t('of_in_id_bad'), message_vi: t('of_in_id_bad'), message_en: t('of_in_id_bad') });
    for (const { p, box, mandatory } of paperBoxes) {
      if (mandatory && !box.checked && !incomplete) {
        const m = t('of_in_paper_missing', { name: pick(p) });
        errs.push({ field: `papers.${p.code}`, message: m, message_vi: m, message_en: m });
      }
    }
    errs.push(...procForm.missing());
    if (errs.length) {
      showFieldErrors(form, { status: 422, body: { errors: errs } });
      status.replaceChildren(el('p', { class: 'error', role: 'alert', text: t('of_in_fix', { n: errs.length }) }));
      return;
    }
    const applicant = { full_name: nameInput.value.trim(), id_number: idInput.value.trim() };
    if (phoneInput.value.trim()) applicant.phone = phoneInput.value.trim();
    if (emailInput.value.trim()) applicant.email = emailInput.value.trim();
    if (addrInput.value.trim()) applicant.address = addrInput.value.trim();
    const wc = ward.input.dataset.code || ward.input.value.trim();
    if (wc) applicant.ward_code = wc;
    const body = {
      procedure_code: def.code,
      applicant,
      papers: paperBoxes.filter((x) => x.box.checked).map((x) => x.p.code),
      form: procForm.values(),
      return_method: form.elements.return_method.value,
    };
    if (incomplete) body.incomplete = incomplete;
    const btn = form.querySelector(incomplete ? '#in-notice' : '#in-submit');
    btn.disabled = true;
    const path = `/api/v1/counters/${encodeURIComponent(counterSel.value)}/dossiers`;
    const what = path + JSON.stringify(body);
    if (!pending || pending.what !== what) pending = { what, key: newKey() };
    const r = await api('POST', path, body, { key: pending.key });
    btn.disabled = false;
    if (r.status !== 0 && r.status < 500 && r.status !== 409) pending = null;
    if (r.status === 201) { done(view, r.body); return; }
    if (r.status === 422 && r.body && r.body.errors) {
      // the competent agency follows the applicant's ward
      for (const x of r.body.errors) if (x.field === 'competent_agency_id') x.field = 'applicant.ward_code';
    }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
    // papers missing: the way out is form 02
    if (!incomplete && r.status === 422 && (r.body?.errors || []).some((x) => x.reason === 'missing')) {
      const box = form.querySelector('#in-incomplete');
      if (box) box.open = true;
    }
  };

  page(view, t('of_in_title'), form, status);
}

const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);

// The dossier is in: its code and secret, form 01 to print at once (or
// form 02 when it lacks papers: the applicant brings them back with the code).
function done(view, d) {
  const waiting = d.status === 'supplement_requested';
  const no = waiting ? '02' : '01';
  const pdf = `/api/v1/dossiers/${encodeURIComponent(d.code)}/forms/${no}.pdf?lang=${state.lang}`;
  const print = el('button', { type: 'button', class: 'primary', id: `print-${no}`, text: t(waiting ? 'of_in_print_02' : 'of_in_print_01') });
  print.addEventListener('click', () => window.open(pdf, '_blank', 'noopener'));
  page(view, t(waiting ? 'of_in_notice_title' : 'of_in_done_title'),
    el('section', { class: 'card intake-done' },
      el('p', { class: 'notice', role: 'status', text: t(waiting ? 'of_in_notice_done' : 'of_in_done', { code: d.code }) }),
      waiting ? el('ul', { id: 'notice-items' }, ...(d.supplement?.items || []).map((x) => el('li', { text: x }))) : null,
      el('dl', {},
        el('dt', { text: t('track_code') }), el('dd', { id: 'new-code', class: 'big', text: d.code }),
        el('dt', { text: t('of_in_secret') }), el('dd', { id: 'new-secret', class: 'big', text: d.secret }),
        waiting ? null : el('dt', { text: t('appointment') }), waiting ? null : el('dd', { text: when(d.appointment_at || d.due_at) }),
        el('dt', { text: t('of_applicant') }), el('dd', { text: d.applicant?.full_name || '' })),
      el('div', { class: 'actions' },
        print,
        el('a', { href: pdf, target: '_blank', rel: 'noopener', id: `link-${no}`, class: 'button', text: t(waiting ? 'of_in_open_02' : 'of_in_open_01') }),
        link(`/can-bo/ho-so/${encodeURIComponent(d.code)}`, t('of_in_open_dossier'), { class: 'button' }),
        el('button', { type: 'button', id: 'in-again', text: t('of_in_again'), onclick: () => go('/can-bo/tiep-nhan', true) }))));
  print.focus();
}
