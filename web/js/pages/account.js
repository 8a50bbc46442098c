// pages/account.js - log in, sign up (citizens and businesses), and a
// forgotten password reset with a code from a reception counter.  The session is the HttpOnly cookie
// the server sets; the page keeps only the CSRF token, in memory.  After
// logging in the user goes back where they were heading (?next=/path, local
// paths only) or to their own start page.
import { state, t, el, api, go, link, page, field, showFieldErrors, clearFieldErrors, alertBox, problemText, loadMe, isOfficial, can, isoDay } from '../lib.js';
import { unitPicker } from './citizen-ui.js';

// Only a local path may be a destination (no open redirect).
function nextPath(qs) {
  const n = qs.get('next') || '';
  return /^\/(?!\/)[\w\-./?=&%]*$/.test(n) ? n : '';
}

// Where each lands: citizens on their dossiers; leaders (who read the
// statistics and take nothing in at a counter) on the dashboard, where
// their work is watching; the other officials on their work queues.
const startPage = () => (!isOfficial() ? '/ho-so-cua-toi'
  : can('stats.read') && !can('dossier.intake') ? '/dieu-hanh' : '/can-bo');

export async function login(view, qs) {
  if (state.me) { go(nextPath(qs) || startPage(), true); return; }
  const status = el('div', { id: 'login-status' });
  const form = el('form', { class: 'card narrow', novalidate: true, 'aria-describedby': 'login-status' },
    field('username', t('acc_username'), { autocomplete: 'username', required: true, maxlength: '64', autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': 'username-hint', hint: t('acc_username_hint') }),
    field('password', t('acc_password'), { type: 'password', autocomplete: 'current-password', required: true, maxlength: '256' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('acc_login') })),
    status,
    el('p', {}, link('/quen-mat-khau', t('fp_link'), { id: 'forgot' })),
    el('p', { class: 'hint', id: 'forgot-hint', text: t('fp_how') }),
    el('p', {}, t('acc_no_account'), ' ', link('/dang-ky' + (nextPath(qs) ? `?next=${encodeURIComponent(nextPath(qs))}` : ''), t('acc_signup_link'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const missing = requireFields(form, ['username', 'password']);
    if (missing) return;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    const res = await api('POST', '/api/v1/auth/login',
      { username: form.username.value.trim(), password: form.password.value }, { noIdempotency: true });
    button.disabled = false;
    // the server says how long this device must wait (it doubles with
    // each wrong try); others, and the owner elsewhere, are not held up
    const secs = Number(res.body?.retry_after) || Number(res.headers?.get?.('Retry-After')) || 1;
    const wait = secs < 120 ? t('dur_seconds', { n: secs }) : t('dur_minutes', { n: Math.ceil(secs / 60) });
    if (res.status === 429) {
      status.replaceChildren(el('p', { class: 'error', role: 'alert', id: 'login-wait', text: t('acc_login_wait', { wait }) }));
      return;
    }
    // a wrong password with 2 or fewer tries left before the waits: said
    // in the same alert, before the lock and not only after it
    const left = res.status === 401 ? res.body?.attempts_left : undefined;
    if (typeof left === 'number' && left <= 2) {
      status.replaceChildren(el('p', { class: 'error', role: 'alert' }, problemText(res), ' ',
        el('span', { id: 'login-warning', text: left > 0 ? t('acc_login_left', { n: left }) : t('acc_login_left_none', { wait }) })));
      form.password.value = '';
      form.password.focus();
      return;
    }
    if (res.status !== 200) {
      const rest = res.status === 422 ? showFieldErrors(form, res) : [];
      status.replaceChildren(alertBox(res), ...rest.map((m) => el('p', { class: 'error', text: m })));
      if (res.status === 401) { form.password.value = ''; form.password.focus(); }
      return;
    }
    state.csrf = res.body.csrf_token;
    await loadMe();
    go(nextPath(qs) || startPage(), true);
  });
  page(view, t('acc_login_title'), form);
}

// Client-side check for empty required fields, shown like the server's
// field errors.  Returns true when something is missing.
function requireFields(form, names) {
  const errors = names.filter((n) => !form[n].value.trim())
    .map((n) => ({ field: n, message_vi: t('acc_required'), message_en: t('acc_required'), message: t('acc_required') }));
  if (!errors.length) return false;
  showFieldErrors(form, { status: 422, body: { errors } });
  return true;
}

export async function signup(view, qs) {
  if (state.me) { go(startPage(), true); return; }
  const status = el('div', { id: 'signup-status' });
  // where one lives decides which ward handles commune-level procedures
  const ward = unitPicker({ id: 'f-ward_code', field: 'ward_code', label: t('acc_ward'), required: true, hint: t('acc_ward_hint') });
  const sex = el('fieldset', { class: 'inline', 'data-field': 'sex' },
    el('legend', { text: t('acc_sex') }),
    el('label', { class: 'check' }, el('input', { type: 'radio', name: 'sex', value: 'M' }), t('acc_male')),
    el('label', { class: 'check' }, el('input', { type: 'radio', name: 'sex', value: 'F' }), t('acc_female')));
  const form = el('form', { class: 'card narrow', novalidate: true },
    el('p', { class: 'hint', text: t('acc_signup_intro') }),
    field('id_number', t('acc_id_number'), { inputmode: 'numeric', autocomplete: 'off', required: true, maxlength: '12', pattern: '[0-9]{12}', 'aria-describedby': 'id-hint', hint: t('acc_id_hint') }),
    field('full_name', t('acc_full_name'), { autocomplete: 'name', required: true, maxlength: '100' }),
    field('birth_date', t('acc_birth_date'), { inputmode: 'numeric', autocomplete: 'bday', maxlength: '10', placeholder: 'dd/mm/yyyy', 'aria-describedby': 'bd-hint', hint: t('acc_birth_hint') }),
    sex,
    field('phone', t('acc_phone'), { type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: true, maxlength: '20' }),
    field('email', t('acc_email'), { type: 'email', autocomplete: 'email', maxlength: '254' }),
    field('address', t('acc_address'), { autocomplete: 'street-address', maxlength: '200' }),
    ward.box,
    field('password', t('acc_new_password'), { type: 'password', autocomplete: 'new-password', required: true, minlength: '8', maxlength: '256', 'aria-describedby': 'pw-hint', hint: t('acc_password_hint') }),
    field('password2', t('acc_password2'), { type: 'password', autocomplete: 'new-password', required: true, maxlength: '256' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('acc_signup') })),
    status,
    el('p', {}, t('acc_business_q'), ' ', link('/dang-ky-doanh-nghiep', t('acc_business_link'), { id: 'business-signup' })),
    el('p', {}, t('acc_have_account'), ' ', link('/dang-nhap', t('acc_login_link'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    if (requireFields(form, ['id_number', 'full_name', 'phone', 'password', 'password2'])) return;
    const local = [];
    if (!/^[0-9]{12}$/.test(form.id_number.value.trim())) local.push({ field: 'id_number', message: t('acc_id_bad') });
    if (form.birth_date.value.trim() && !isoDay(form.birth_date.value)) local.push({ field: 'birth_date', message: t('acc_birth_bad') });
    if (form.password.value !== form.password2.value) local.push({ field: 'password2', message: t('acc_password_mismatch') });
    if (!ward.code) local.push({ field: 'ward_code', message: t(ward.input.value.trim() ? 'acc_ward_pick' : 'acc_required') });
    if (local.length) {
      showFieldErrors(form, { status: 422, body: { errors: local.map((x) => ({ ...x, message_vi: x.message, message_en: x.message })) } });
      return;
    }
    const body = {
      id_number: form.id_number.value.trim(),
      full_name: form.full_name.value.trim(),
      phone: form.phone.value.trim(),
      password: form.password.value,
    };
    if (form.birth_date.value.trim()) body.birth_date = isoDay(form.birth_date.value);
    const s = form.querySelector('input[name=sex]:checked');
    if (s) body.sex = s.value;
    if (form.email.value.trim()) body.email = form.email.value.trim();
    if (form.address.value.trim()) body.address = form.address.value.trim();
    body.ward_code = ward.code;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    const res = await api('POST', '/api/v1/auth/signup', body);
    if (res.status !== 201) {
      button.disabled = false;
      const rest = res.status === 422 ? showFieldErrors(form, res) : [];
      if (res.status === 409) {
        showFieldErrors(form, { status: 422, body: { errors: [{ field: 'id_number', message_vi: t('acc_id_taken'), message_en: t('acc_id_taken') }] } });
      }
      status.replaceChildren(alertBox(res), ...rest.map((m) => el('p', { class: 'error', text: m })));
      return;
    }
    // The account exists: open its session at once.
    const li = await api('POST', '/api/v1/auth/login', { username: body.id_number, password: body.password }, { noIdempotency: true });
    button.disabled = false;
    if (li.status !== 200) { go('/dang-nhap'); return; }
    state.csrf = li.body.csrf_token;
    await loadMe();
    go(nextPath(qs) || '/ho-so-cua-toi', true);
  });
  page(view, t('acc_signup_title'), form);
}

// After an account was made or its password set: open a session with the
// new password and go on; the login page if that fails.
async function signIn(username, password, next) {
  const li = await api('POST', '/api/v1/auth/login', { username, password }, { noIdempotency: true });
  if (li.status !== 200) { go('/dang-nhap'); return; }
  state.csrf = li.body.csrf_token;
  await loadMe();
  go(next, true);
}

// A failed call shown next to the fields (422) and in the status box.
function showFailure(form, status, res) {
  const rest = res.status === 422 ? showFieldErrors(form, res) : [];
  status.replaceChildren(alertBox(res), ...rest.map((m) => el('p', { class: 'error', text: m })));
}

// Client-side checks shown like the server's field errors.
function showLocal(form, local) {
  if (!local.length) return false;
  showFieldErrors(form, { status: 422, body: { errors: local.map((x) => ({ ...x, message_vi: x.message, message_en: x.message })) } });
  return true;
}

// A business account: the enterprise code (mã số doanh nghiệp, the same as
// its tax code) is the user name; the representative signs up for it.
export async function signupBusiness(view, qs) {
  if (state.me) { go(startPage(), true); return; }
  const status = el('div', { id: 'signup-status' });
  const form = el('form', { class: 'card narrow', novalidate: true },
    el('p', { class: 'hint', text: t('acc_biz_intro') }),
    field('tax_code', t('acc_biz_code'), { inputmode: 'numeric', autocomplete: 'off', required: true, maxlength: '14', 'aria-describedby': 'tax-hint', hint: t('acc_biz_code_hint') }),
    field('name', t('acc_biz_name'), { autocomplete: 'organization', required: true, maxlength: '200' }),
    field('representative', t('acc_biz_rep'), { autocomplete: 'name', required: true, maxlength: '100', 'aria-describedby': 'rep-hint', hint: t('acc_biz_rep_hint') }),
    field('phone', t('acc_phone'), { type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: true, maxlength: '15' }),
    field('email', t('acc_biz_email'), { type: 'email', autocomplete: 'email', required: true, maxlength: '254' }),
    field('address', t('acc_biz_address'), { autocomplete: 'street-address', maxlength: '200' }),
    field('password', t('acc_new_password'), { type: 'password', autocomplete: 'new-password', required: true, minlength: '8', maxlength: '256', 'aria-describedby': 'pw-hint', hint: t('acc_biz_password_hint') }),
    field('password2', t('acc_password2'), { type: 'password', autocomplete: 'new-password', required: true, maxlength: '256' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('acc_signup') })),
    status,
    el('p', {}, t('acc_citizen_q'), ' ', link('/dang-ky', t('acc_signup_link'))),
    el('p', {}, t('acc_have_account'), ' ', link('/dang-nhap', t('acc_login_link'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    if (requireFields(form, ['tax_code', 'name', 'representative', 'phone', 'email', 'password', 'password2'])) return;
    const local = [];
    if (!/^[0-9]{10}(-[0-9]{3})?$/.test(form.tax_code.value.trim())) local.push({ field: 'tax_code', message: t('acc_biz_code_bad') });
    if (form.password.value !== form.password2.value) local.push({ field: 'password2', message: t('acc_password_mismatch') });
    if (showLocal(form, local)) return;
    const body = {
      tax_code: form.tax_code.value.trim(),
      name: form.name.value.trim(),
      representative: form.representative.value.trim(),
      phone: form.phone.value.trim(),
      email: form.email.value.trim(),
      password: form.password.value,
    };
    if (form.address.value.trim()) body.address = form.address.value.trim();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    const res = await api('POST', '/api/v1/auth/signup/business', body);
    if (res.status !== 201) {
      button.disabled = false;
      showFailure(form, status, res);
      if (res.status === 409) showLocal(form, [{ field: 'tax_code', message: t('acc_biz_taken') }]);
      return;
    }
    await signIn(body.tax_code, body.password, nextPath(qs) || '/ho-so-cua-toi');
  });
  page(view, t('acc_biz_title'), form);
}

// A forgotten password: the code comes from a reception counter (until it
// can be sent by SMS or e-mail); with it the holder sets a new password,
// which ends every other session, and is signed in.
export async function forgot(view) {
  const status = el('div', { id: 'forgot-status', 'aria-live': 'polite' });
  const form = el('form', { class: 'card narrow', novalidate: true },
    el('p', { text: t('fp_intro') }),
    el('ol', { id: 'fp-steps' }, el('li', { text: t('fp_step1') }), el('li', { text: t('fp_step2') }), el('li', { text: t('fp_step3') })),
    field('account', t('fp_account'), { inputmode: 'numeric', autocomplete: 'username', required: true, maxlength: '14', autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': 'account-hint', hint: t('fp_account_hint') }),
    el('div', { class: 'actions' }, el('button', { type: 'button', id: 'fp-send', text: t('fp_send'), onclick: sendCode })),
    field('code', t('fp_code'), { autocomplete: 'one-time-code', required: true, maxlength: '32', autocapitalize: 'characters', spellcheck: 'false', 'aria-describedby': 'code-hint', hint: t('fp_code_hint') }),
    field('new_password', t('fp_new_password'), { type: 'password', autocomplete: 'new-password', required: true, minlength: '8', maxlength: '256', 'aria-describedby': 'pw-hint', hint: t('acc_password_hint') }),
    field('password2', t('acc_password2'), { type: 'password', autocomplete: 'new-password', required: true, maxlength: '256' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('fp_submit') })),
    status,
    el('p', {}, link('/dang-nhap', t('fp_back_login'))));
  // a code by SMS and e-mail: one answer whatever the account
  async function sendCode() {
    clearFieldErrors(form);
    status.replaceChildren();
    if (requireFields(form, ['account'])) return;
    const res = await api('POST', '/api/v1/auth/password-reset-code', { account: form.account.value.trim() }, { noIdempotency: true });
    if (res.status !== 202) { showFailure(form, status, res); return; }
    status.replaceChildren(el('p', { class: 'notice', role: 'status', id: 'fp-sent', text: t('fp_sent', { n: res.body.valid_minutes }) }));
    form.code.focus();
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    if (requireFields(form, ['account', 'code', 'new_password', 'password2'])) return;
    const local = [];
    if (form.new_password.value !== form.password2.value) local.push({ field: 'password2', message: t('acc_password_mismatch') });
    if (showLocal(form, local)) return;
    const body = { account: form.account.value.trim(), code: form.code.value.trim(), new_password: form.new_password.value };
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    const res = await api('POST', '/api/v1/auth/password-reset', body, { noIdempotency: true });
    if (res.status !== 204) {
      button.disabled = false;
      if (res.status === 429) {
        const secs = Number(res.headers?.get?.('Retry-After')) || 1;
        const wait = secs < 120 ? t('dur_seconds', { n: secs }) : t('dur_minutes', { n: Math.ceil(secs / 60) });
        status.replaceChildren(el('p', { class: 'error', role: 'alert', id: 'forgot-wait', text: t('fp_wait', { wait }) }));
        return;
      }
      showFailure(form, status, res);
      return;
    }
    status.replaceChildren(el('p', { class: 'notice', role: 'status', text: t('fp_done') }));
    if (state.me) { state.me = null; state.csrf = ''; } // every session of the account ended
    await signIn(body.account, body.new_password, '/ho-so-cua-toi');
  });
  page(view, t('fp_title'), form);
}
