// pages/apply.js - applying online for a procedure (/nop-ho-so/:code).
// The form is built from the procedure's own schema (text, number, date,
// id_number, choice, unit, attachment), checked here first and then by the
// server, whose field errors land next to the same controls.  A review step
// shows everything read-only; going back loses nothing (the form stays in
// the page, only hidden).  Submitting gives the dossier's code and the
// tracking secret.
import { state, t, el, api, link, page, pick, when, day, num, money, todayVN, newKey, isOfficial, can, alertBox, showFieldErrors, clearFieldErrors, statusBadge, isoDay, legalTime, phoneNormal, charLength, field } from '../lib.js';
import { payNote } from '../fees.js';
import { unitPicker, attachment, reqMark, kindText, formLink, clearFieldError } from './citizen-ui.js';
import { paperSource, paperTitle } from './personal.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function apply(view, code, qs) {
  void qs;
  const here = `/nop-ho-so/${encodeURIComponent(code)}`;
  if (!state.me) {
    page(view, t('ap_title'),
      el('div', { class: 'card' },
        el('p', { class: 'warning', text: t('login_required') }),
        el('p', {}, link(`/dang-nhap?next=${encodeURIComponent(here)}`, t('ap_login_link'), { class: 'button primary', id: 'login-link' }),
          ' ', link(`/dang-ky?next=${encodeURIComponent(here)}`, t('ap_signup_link')))));
    return;
  }
  if (isOfficial()) {
    page(view, t('ap_title'),
      el('div', { class: 'card' },
        el('p', { class: 'warning', text: t('ap_official') }),
        can('dossier.intake') ? el('p', {}, link('/can-bo/tiep-nhan', t('nav_intake'))) : null));
    return;
  }
  view.replaceChildren(el('p', { class: 'hint', text: t('loading') }));
  const res = await api('GET', `/api/v1/procedures/${encodeURIComponent(code)}`);
  if (res.status !== 200) {
    page(view, t('ap_title'), res.status === 404 ? el('p', { text: t('search_none') }) : alertBox(res), link('/', t('back'), { class: 'back' }));
    return;
  }
  if (res.body.status === 'repealed') {
    // repealed: no new dossiers; the procedure's page says what replaces it
    page(view, t('ap_title'), el('p', { class: 'warning', id: 'repealed', text: t('proc_repealed') }),
      link(`/thu-tuc/${encodeURIComponent(code)}`, t('proc_see'), { class: 'button' }));
    return;
  }
  build(view, res.body);
}

// The control for one field of the procedure's form.  Returns
// {box, get(), show(), check()}: get() the value to send, show() the value
// as the review step prints it, check() a message when the value is wrong.
function control(f) {
  const id = `f-${f.name}`;
  const field = `form.${f.name}`;
  const label = pick(f, 'label');
  const required = !!f.required;
  const hintId = `${id}-hint`;
  const labelEl = () => el('label', { for: id }, label, required ? reqMark() : null);
  const common = { id, name: f.name, 'data-field': field, 'aria-required': required ? 'true' : null };
  const emptyMsg = () => t('ap_err_required');

  if (f.type === 'choice') {
    const choices = f.choices || [];
    if (choices.length <= 5) {
      // radios in a fieldset: every choice visible, a tap each on a phone
      const group = el('fieldset', { id, class: 'cz-choices', role: 'radiogroup', 'aria-labelledby': `${id}-legend`, 'data-field': field, 'aria-required': required ? 'true' : null },
        el('legend', { id: `${id}-legend` }, label, required ? reqMark() : null),
        ...choices.map((c, k) => el('label', { class: 'check' },
          el('input', { type: 'radio', name: f.name, value: c.value, id: `${id}-${k}` }), pick(c, 'label'))));
      const checked = () => group.querySelector('input:checked');
      return {
        box: group,
        raw: () => (checked() ? checked().value : ''),
        restore: (v) => { const r = [...group.querySelectorAll('input')].find((x) => x.value === v); if (r) r.checked = true; },
        get: () => (checked() ? checked().value : ''),
        show: () => { const c = choices.find((x) => x.value === (checked() || {}).value); return c ? pick(c, 'label') : ''; },
        check: () => (required && !checked() ? t('ap_err_choose') : ''),
      };
    }
    const sel = el('select', common, el('option', { value: '', text: t('ap_choose') }),
      ...choices.map((c) => el('option', { value: c.value, text: pick(c, 'label') })));
    return {
      box: el('div', { class: 'field' }, labelEl(), sel),
      raw: () => sel.value,
      restore: (v) => { sel.value = v; },
      get: () => sel.value,
      show: () => (sel.value ? sel.selectedOptions[0].textContent : ''),
      check: () => (required && !sel.value ? t('ap_err_choose') : ''),
    };
  }

  if (f.type === 'unit') {
    const p = unitPicker({ id, field, label, required });
    return {
      box: p.box,
      raw: () => (p.code ? { code: p.code, text: p.text } : ''),
      restore: (v) => { if (v && v.code) p.set(v.code, v.text); },
      get: () => p.code,
      show: () => p.text,
      check: () => {
        if (p.code) return '';
        if (p.input.value.trim()) return t('ap_err_unit_pick');
        return required ? t('ap_err_unit') : '';
      },
    };
  }

  if (f.type === 'attachment') {
    const a = attachment({ id, field, label, required });
    // a paper the platform issued to the applicant may stand for the
    // upload (the personal document store, pages/personal.js): offered
    // once the store is read, chosen by default, the upload still there
    let reused = null, pending = null, offered = [];
    const choice = el('div', { class: 'pp-offer' });
    a.box.insertBefore(choice, a.input);
    const pickReuse = (p) => {
      reused = p;
      for (const x of [a.input, a.box.querySelector('.cz-upload-status')]) if (x) x.hidden = !!p;
      if (p) clearFieldError(a.input);
    };
    return {
      box: a.box,
      attachment: a,
      raw: () => (reused ? { reuse: reused.id } : a.sha ? { sha: a.sha, file: a.file } : ''),
      restore: (v) => { if (v && v.reuse) pending = v.reuse; else if (v && v.sha) a.restore(v.sha, v.file); },
      get: () => (reused ? { reuse: reused.id } : a.sha),
      show: () => (reused ? t('pp_reused_show', { title: paperTitle(reused), source: paperSource(reused) })
        : a.file ? `${a.file.name} (${t('ap_uploaded_short')})` : ''),
      check: () => {
        if (reused) return '';
        if (a.busy) return t('ap_err_uploading');
        if (a.error) return a.error;
        return required && !a.sha ? t('ap_err_file_required') : '';
      },
      // papers: the applicant's valid stored papers of the kind asked here
      offer: (papers) => {
        offered = papers;
        if (!papers.length) return;
        const start = offered.find((p) => p.id === pending) || (a.sha ? null : offered[0]);
        const radio = (value, text, on) => el('label', { class: 'check' },
          el('input', { type: 'radio', name: `${id}-source`, value, id: `${id}-source-${value || 'upload'}`, checked: on }), text);
        const set = el('fieldset', { class: 'cz-choices', id: `${id}-source` },
          el('legend', { text: t('pp_offer_legend') }),
          ...offered.map((p) => radio(String(p.id), t('pp_offer_use', { title: paperTitle(p), source: paperSource(p) }), p === start)),
          radio('', t('pp_offer_upload'), !start));
        set.addEventListener('change', () => {
          const v = set.querySelector('input:checked')?.value;
          pickReuse(offered.find((p) => String(p.id) === v) || null);
          a.input.dispatchEvent(new Event('uploaded', { bubbles: true }));
        });
        choice.replaceChildren(set);
        pickReuse(start);
      },
    };
  }

  let attrs, hint = '';
  if (f.type === 'date') {
    // typed as dd/mm/yyyy whatever the browser's own language
    attrs = { type: 'text', inputmode: 'numeric', maxlength: '10', autocomplete: 'off', placeholder: t('ap_date_placeholder') };
    hint = t('ap_hint_date');
  } else if (f.type === 'number') {
    attrs = { type: 'number', inputmode: 'decimal', step: 'any', min: f.min ?? null, max: f.max ?? null };
    if (f.min != null && f.max != null) hint = t('ap_hint_range', { min: num(f.min), max: num(f.max) });
  } else if (f.type === 'id_number') {
    attrs = { type: 'text', inputmode: 'numeric', maxlength: '12', pattern: '[0-9]{12}', autocomplete: 'off', spellcheck: 'false' };
    hint = t('ap_hint_id');
  } else { // text
    const max = f.max || 1000;
    attrs = { type: 'text', maxlength: String(max) };
    hint = t('ap_hint_max', { max: num(max) });
  }
  const input = el('input', { ...common, ...attrs, 'aria-describedby': hint ? hintId : null });
  const value = () => input.value.trim();
  return {
    box: el('div', { class: 'field' }, labelEl(), hint ? el('p', { class: 'hint', id: hintId, text: hint }) : null, input),
    raw: () => input.value,
    restore: (v) => { input.value = v; },
    get: () => {
      if (f.type === 'number') return value() === '' ? '' : Number(value());
      if (f.type === 'date') return isoDay(value()) || value();
      return value();
    },
    show: () => {
      if (!value()) return '';
      if (f.type === 'date') return isoDay(value()) ? day(`${isoDay(value())}T12:00:00+07:00`) : value();
      if (f.type === 'number') return num(Number(value()));
      return value();
    },
    check: () => {
      const v = value();
      if (input.validity.badInput) return t('ap_err_number');
      if (!v) return required ? emptyMsg() : '';
      if (f.type === 'date') {
        const iso = isoDay(v);
        if (!iso) return t('ap_err_date');
        if (/birth|death/.test(f.name) && iso > todayVN()) return t('ap_err_future');
      } else if (f.type === 'number') {
        const n = Number(v);
        if (!Number.isFinite(n)) return t('ap_err_number');
        if ((f.min != null && n < f.min) || (f.max != null && n > f.max)) return t('ap_err_range', { min: num(f.min ?? 0), max: num(f.max ?? 0) });
      } else if (f.type === 'id_number') {
        if (!/^[0-9]{12}$/.test(v)) return t('ap_err_id');
      } else if (charLength(v) > (f.max || 1000)) {
        return t('ap_err_long', { max: num(f.max || 1000) });
      }
      return '';
    },
  };
}

function build(view, proc) {
  const me = state.me;
  const fields = proc.form.filter((f) => f.type !== 'attachment');
  const files = proc.form.filter((f) => f.type === 'attachment');
  const controls = new Map(proc.form.map((f) => [f.name, control(f)]));

  // papers that have no upload field: the e-form itself, or shown on return
  const uploadable = new Set(files.map((f) => f.paper));
  const paperOf = new Map(proc.papers.map((p) => [p.code, p]));
  const other = proc.papers.filter((p) => !uploadable.has(p.code));

  // contact details for this dossier (the server keeps the account's
  // unless corrected here)
  const contact = [
    ['phone', t('ap_phone'), { type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: '20', value: me.phone || '' }],
    ['email', t('ap_email'), { type: 'email', autocomplete: 'email', maxlength: '254', value: me.email || '' }],
    ['address', t('ap_address'), { type: 'text', autocomplete: 'street-address', maxlength: '254', value: me.address || '' }],
  ].map(([name, label, attrs]) => {
    const input = el('input', { id: `c-${name}`, name: `applicant.${name}`, ...attrs });
    return { name, label, input, box: el('div', { class: 'field' }, el('label', { for: input.id, text: label }), input) };
  });

  const returns = ['counter', 'post', 'online'];
  const returnSet = el('fieldset', { id: 'return-method', class: 'cz-choices', 'data-field': 'return_method' },
    el('legend', { text: t('ap_return') }),
    ...returns.map((r) => el('label', { class: 'check' },
      el('input', { type: 'radio', name: 'return_method', value: r, id: `rm-${r}`, checked: r === 'counter' }), t('ap_return_' + r))));
  const returnValue = () => (returnSet.querySelector('input:checked') || {}).value || 'counter';

  const online = proc.fees.find((x) => x.channel === 'online') || proc.fees[0];
  const formStatus = el('div', { id: 'form-status' });
  const form = el('form', { id: 'apply-form', novalidate: true, 'aria-describedby': 'req-note' },
    el('section', { class: 'card', 'aria-labelledby': 'about-h' },
      el('h2', { id: 'about-h', text: pick(proc) }),
      el('p', { class: 'code', text: `${proc.code} · ${pick(proc, 'field')}` }),
      el('dl', { class: 'cz-facts' },
        el('dt', { text: t('processing_time') }), el('dd', { text: legalTime(proc.processing_time) }),
        online ? el('dt', { text: t('ap_fee_online') }) : null, online ? el('dd', { text: money(online.amount) }) : null,
        el('dt', { text: t('result_doc') }), el('dd', { text: pick(proc, 'result') })),
      payNote(proc, 'online', 'pay-note'),
      proc.online_level === 'partial' ? el('p', { class: 'warning', text: t('ap_partial') }) : null,
      el('p', { id: 'req-note', class: 'hint' }, t('ap_required_note_1'), reqMark(), ' ', t('ap_required_note_2'))),
    el('section', { class: 'card', 'aria-labelledby': 'form-h' },
      el('h2', { id: 'form-h', text: t('ap_form_h') }),
      ...fields.map((f) => controls.get(f.name).box)),
    el('section', { class: 'card', 'aria-labelledby': 'files-h' },
      el('h2', { id: 'files-h', text: t('ap_files_h') }),
      files.length ? el('p', { class: 'hint', text: t('ap_files_intro') }) : el('p', { text: t('ap_files_none') }),
      ...files.map((f) => {
        const p = paperOf.get(f.paper);
        const c = controls.get(f.name);
        if (p) {
          // the paper the upload stands for: its name, kind and when it is needed
          const hint = c.box.querySelector('.hint');
          hint.prepend(`${pick(p)} (${kindText(p)}${p.mandatory && !p.condition ? ', ' + t('ap_mandatory') : ''}). `,
            p.condition ? `${t('ap_condition')}: ${pick(p, 'condition')}. ` : '');
        }
        return c.box;
      }),
      other.length ? el('h3', { text: t('ap_other_papers') }) : null,
      other.length ? el('ul', { class: 'cz-papers' }, ...other.map((p) => el('li', {},
        pick(p), ' ', el('span', { class: 'hint', text: `(${kindText(p)}${p.mandatory && !p.condition ? ', ' + t('ap_mandatory') : ''})` }),
        p.kind === 'presented' ? el('span', { class: 'hint', text: ` — ${t('ap_presented_note')}` }) : null,
        p.condition ? el('span', { class: 'hint', text: ` — ${t('ap_condition')}: ${pick(p, 'condition')}` }) : null))) : null),
    el('section', { class: 'card', 'aria-labelledby': 'contact-h' },
      el('h2', { id: 'contact-h', text: t('ap_contact_h') }),
      el('p', { class: 'hint', text: t('ap_contact_intro', { name: me.full_name }) }),
      ...contact.map((c) => c.box),
      returnSet),
    formStatus,
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'primary', id: 'to-review', text: t('ap_review_button') })));

  // the papers of the applicant's personal store that a field may take
  // instead of an upload: the field's paper names their kind ("reusable")
  if (files.some((f) => paperOf.get(f.paper)?.reusable)) {
    api('GET', '/api/v1/my/papers?limit=100').then((r) => {
      if (r.status !== 200) return;
      for (const f of files) {
        const kind = paperOf.get(f.paper)?.reusable;
        if (kind) controls.get(f.name).offer(r.body.items.filter((p) => p.valid && p.paper_code === kind));
      }
    });
  }

  const reviewStatus = el('div', { id: 'review-status' });
  const reviewBody = el('div');
  // with a certificate for remote signing, the application may be signed
  // digitally: the PIN box shows once the certificate is known
  const signBox = el('div', { id: 'sign-box' });
  api('GET', '/api/v1/certificates').then((r) => {
    const c = r.status === 200 ? (r.body.items || []).find((x) => x.kind === 'personal' && x.status === 'valid' && x.remote) : null;
    if (c) signBox.replaceChildren(el('h3', { text: t('ap_sign_h') }),
      field('sign_pin', t('ap_sign_pin'), { id: 'sign-pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: '12', hint: t('ap_sign_hint', { serial: c.serial }) }));
  });
  const back = el('button', { type: 'button', id: 'back-edit', text: t('ap_edit') });
  const send = el('button', { type: 'button', class: 'primary', id: 'submit', text: t('ap_submit') });
  const review = el('section', { id: 'review', class: 'card', hidden: true, 'aria-labelledby': 'review-h' },
    el('h2', { id: 'review-h', tabindex: '-1', text: t('ap_review_h') }),
    el('p', { class: 'hint', text: t('ap_review_intro') }),
    reviewBody, signBox, reviewStatus,
    el('div', { class: 'actions' }, back, send));

  // one key per reviewed version of the form: a double click or a retry
  // after a lost answer submits once
  let key = '';

  function check() {
    const errors = [];
    for (const f of proc.form) {
      const msg = controls.get(f.name).check();
      if (msg) errors.push({ field: `form.${f.name}`, message: msg, message_vi: msg, message_en: msg });
    }
    for (const c of contact) {
      const v = c.input.value.trim();
      let msg = '';
      if (c.name === 'phone' && v && !phoneNormal(v)) msg = t('ap_err_phone');
      if (c.name === 'email' && v && !EMAIL_RE.test(v)) msg = t('ap_err_email');
      if (charLength(v) > 254) msg = t('ap_err_long', { max: num(254) });
      if (msg) errors.push({ field: `applicant.${c.name}`, message: msg, message_vi: msg, message_en: msg });
    }
    return errors;
  }

  function showErrors(errors) {
    // the summary at the top of the form lists and links them all
    showFieldErrors(form, { status: 422, body: { errors } });
  }

  function body() {
    const out = { procedure_code: proc.code, form: {}, return_method: returnValue(), applicant: {} };
    for (const f of proc.form) {
      const v = controls.get(f.name).get();
      if (v !== '' && v != null) out.form[f.name] = v;
    }
    for (const c of contact) {
      const v = c.input.value.trim();
      if (v) out.applicant[c.name] = c.name === 'phone' ? phoneNormal(v) || v : v;
    }
    return out;
  }

  function showReview() {
    const row = (label, value) => [el('dt', { text: label }), el('dd', { text: value || '—' })];
    reviewBody.replaceChildren(
      el('h3', { text: t('ap_form_h') }),
      el('dl', { class: 'cz-review' }, ...fields.flatMap((f) => row(pick(f, 'label'), controls.get(f.name).show()))),
      el('h3', { text: t('ap_files_h') }),
      files.length
        ? el('dl', { class: 'cz-review' }, ...files.flatMap((f) => row(pick(f, 'label'), controls.get(f.name).show() || t('ap_no_file'))))
        : el('p', { text: t('ap_files_none') }),
      el('h3', { text: t('ap_contact_h') }),
      el('dl', { class: 'cz-review' },
        ...row(t('ap_applicant'), me.full_name),
        ...contact.flatMap((c) => row(c.label, c.input.value.trim())),
        ...row(t('ap_return'), t('ap_return_' + returnValue()))),
      payNote(proc, 'online', 'review-pay'));
    reviewStatus.replaceChildren();
    key = newKey();
    form.hidden = true;
    review.hidden = false;
    review.querySelector('h2').focus();
    window.scrollTo(0, 0);
  }

  function showForm() {
    review.hidden = true;
    form.hidden = false;
    document.getElementById('form-h').scrollIntoView();
    form.querySelector('input, select')?.focus({ preventScroll: true });
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    formStatus.replaceChildren();
    const errors = check();
    if (errors.length) { showErrors(errors); return; }
    showReview();
  });
  back.addEventListener('click', showForm);
  // a message goes away as soon as its field is changed
  const fresh = (e) => {
    const c = e.target.closest('[data-field]') || e.target;
    if (c.getAttribute('aria-invalid') === 'true' && c.type !== 'file') clearFieldError(c);
    if (!form.querySelector('[aria-invalid="true"]')) formStatus.replaceChildren();
  };
  form.addEventListener('input', fresh);
  form.addEventListener('change', fresh);

  send.addEventListener('click', async () => {
    send.disabled = back.disabled = true;
    reviewStatus.replaceChildren(el('p', { class: 'hint', role: 'status', text: t('ap_sending') }));
    const b = body();
    const pin = signBox.querySelector('#sign-pin')?.value.trim();
    if (pin) b.signature = { pin };
    const r = await api('POST', '/api/v1/dossiers', b, { key: pin ? newKey() : key });
    send.disabled = back.disabled = false;
    if (r.status === 201) {
      sessionStorage.removeItem(draftKey); // sent: the draft goes
      // a reload shows the dossier (its code and tracking secret), not an empty form
      history.replaceState(null, '', `/ho-so-cua-toi/${encodeURIComponent(r.body.code)}`);
      done(view, r.body, proc);
      return;
    }
    const signing = (x) => x.field === 'pin' || x.field === 'certificate_id' || x.field.startsWith('signature');
    if (r.status === 422 && ((r.body && r.body.errors) || []).some(signing)) {
      // the PIN is on this page: its message stays here
      reviewStatus.replaceChildren(...r.body.errors.filter(signing).map((x) =>
        el('p', { class: 'error', role: 'alert', text: state.lang === 'en' ? x.message_en : x.message_vi })));
      return;
    }
    if (r.status === 422) {
      // back to the form with each message next to its control; a missing
      // paper goes to the upload that stands for it
      const errors = ((r.body && r.body.errors) || []).map((x) => {
        const m = /^papers\.(.+)$/.exec(x.field);
        const f = m && files.find((ff) => ff.paper === m[1]);
        return f ? { ...x, field: `form.${f.name}` } : x;
      });
      showForm();
      clearFieldErrors(form);
      showErrors(errors);
      return;
    }
    if (r.status === 401) {
      reviewStatus.replaceChildren(el('p', { class: 'error', role: 'alert', text: t('login_required') }),
        el('p', {}, link(`/dang-nhap?next=${encodeURIComponent(location.pathname)}`, t('ap_login_link'))));
      return;
    }
    reviewStatus.replaceChildren(alertBox(r));
  });

  // the draft: what was typed survives a reload, a switch of language and
  // a lost connection, in this tab only, until it is sent or discarded
  const draftKey = `draft:${me.id}:${proc.code}`;
  const snapshot = () => ({
    at: new Date().toISOString(),
    form: Object.fromEntries(proc.form.map((f) => [f.name, controls.get(f.name).raw()])),
    contact: Object.fromEntries(contact.map((c) => [c.name, c.input.value])),
    return_method: returnValue(),
  });
  const save = () => { try { sessionStorage.setItem(draftKey, JSON.stringify(snapshot())); } catch { /* storage full or off: no draft */ } };
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  form.addEventListener('uploaded', save);
  const draftNote = el('div', { id: 'draft-note' });
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(draftKey) || 'null'); } catch { saved = null; }
  if (saved && saved.form) {
    for (const f of proc.form) if (saved.form[f.name] !== undefined && saved.form[f.name] !== '') controls.get(f.name).restore(saved.form[f.name]);
    for (const c of contact) if (typeof saved.contact?.[c.name] === 'string') c.input.value = saved.contact[c.name];
    const rm = returnSet.querySelector(`input[value="${CSS.escape(saved.return_method || 'counter')}"]`);
    if (rm) rm.checked = true;
    draftNote.replaceChildren(el('p', { class: 'notice', role: 'status' }, t('ap_draft_restored', { at: when(saved.at) }), ' ',
      el('button', { type: 'button', class: 'linkish', id: 'discard-draft', text: t('ap_draft_discard'), onclick: () => {
        sessionStorage.removeItem(draftKey);
        build(view, proc);
      } })));
  }
  form.prepend(draftNote);

  page(view, t('ap_title'), form, review);
}


// The dossier is in: its code, the secret for public tracking, what
// happens next, and how to pay a fee.
function done(view, d, proc) {
  const received = !!d.received_at;
  page(view, t('ap_done_title'),
    el('section', { class: 'card cz-done', id: 'done', 'aria-labelledby': 'done-h' },
      el('p', { class: 'notice', role: 'status', text: t('ap_done_intro') }),
      el('h2', { id: 'done-h', text: pick(d.procedure) }),
      el('dl', { class: 'cz-facts' },
        el('dt', { text: t('ap_code') }), el('dd', {}, el('strong', { id: 'dossier-code', class: 'cz-big', text: d.code })),
        el('dt', { text: t('ap_secret') }), el('dd', {}, el('strong', { id: 'dossier-secret', class: 'cz-big', text: d.secret })),
        el('dt', { text: t('status') }), el('dd', {}, statusBadge(d.status)),
        el('dt', { text: t('ap_submitted_at') }), el('dd', { text: when(d.submitted_at) }),
        el('dt', { text: t('appointment') }), el('dd', { id: 'due', text: d.due_at ? when(d.appointment_at || d.due_at) : t('ap_due_later') }),
        el('dt', { text: t('ap_where') }), el('dd', { text: d.received_agency ? pick(d.received_agency) : '—' })),
      el('p', { class: 'hint', text: t('ap_secret_note') }),
      proc ? payNote(proc, 'online', 'done-pay') : null,
      received ? el('div', { class: 'actions' }, formLink(d.code, '01', 'my_form_01'))
        : el('p', { id: 'receipt-later', text: t('ap_receipt_later') }),
      el('div', { class: 'actions' },
        link(`/ho-so-cua-toi/${encodeURIComponent(d.code)}`, t('ap_view_dossier'), { class: 'button primary', id: 'view-dossier' }),
        link('/ho-so-cua-toi', t('nav_mine'), { class: 'button' }),
        link(`/tra-cuu?ma=${encodeURIComponent(d.code)}&s=${encodeURIComponent(d.secret)}`, t('ap_track_link'), { class: 'button' }),
        el('button', { type: 'button', text: t('ap_print'), onclick: () => window.print() }))));
}
