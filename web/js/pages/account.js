// pages/account.js - log in and sign up.  The session is the HttpOnly cookie
// the server sets; the page keeps only the CSRF token, in memory.  After
// logging in the user goes back where they were heading (?next=/path, local
// paths only) or to their own start page.
import { state, t, el, api, go, link, page, field, showFieldErrors, clearFieldErrors, alertBox, loadMe, isOfficial, can, isoDay } from '../lib.js';
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
    field('username', t('acc_username'), { autocomplete: 'username', required: true, maxlength: '64', autocapitalize: 'none', spellcheck: 'false' }),
    el('p', { class: 'hint', id: 'username-hint', text: t('acc_username_hint') }),
    field('password', t('acc_password'), { type: 'password', autocomplete: 'current-password', required: true, maxlength: '256' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('acc_login') })),
    status,
    el('p', {}, t('acc_no_account'), ' ', link('/dang-ky' + (nextPath(qs) ? `?next=${encodeURIComponent(nextPath(qs))}` : ''), t('acc_signup_link'))));
  form.username.setAttribute('aria-describedby', 'username-hint');
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
    if (res.status === 429) {
      // the server says how long this device must wait (it doubles with
      // each wrong try); others, and the owner elsewhere, are not held up
      const secs = Number(res.body?.retry_after) || Number(res.headers?.get?.('Retry-After')) || 1;
      const wait = secs < 120 ? t('dur_seconds', { n: secs }) : t('dur_minutes', { n: Math.ceil(secs / 60) });
      status.replaceChildren(el('p', { class: 'error', role: 'alert', id: 'login-wait', text: t('acc_login_wait', { wait }) }));
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
    field('id_number', t('acc_id_number'), { inputmode: 'numeric', autocomplete: 'off', required: true, maxlength: '12', pattern: '[0-9]{12}', 'aria-describedby': 'id-hint' }),
    el('p', { class: 'hint', id: 'id-hint', text: t('acc_id_hint') }),
    field('full_name', t('acc_full_name'), { autocomplete: 'name', required: true, maxlength: '100' }),
    field('birth_date', t('acc_birth_date'), { inputmode: 'numeric', autocomplete: 'bday', maxlength: '10', placeholder: 'dd/mm/yyyy', 'aria-describedby': 'bd-hint' }),
    el('p', { class: 'hint', id: 'bd-hint', text: t('acc_birth_hint') }),
    sex,
    field('phone', t('acc_phone'), { type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: true, maxlength: '15' }),
    field('email', t('acc_email'), { type: 'email', autocomplete: 'email', maxlength: '254' }),
    field('address', t('acc_address'), { autocomplete: 'street-address', maxlength: '200' }),
    ward.box,
    field('password', t('acc_new_password'), { type: 'password', autocomplete: 'new-password', required: true, minlength: '8', maxlength: '256', 'aria-describedby': 'pw-hint' }),
    el('p', { class: 'hint', id: 'pw-hint', text: t('acc_password_hint') }),
    field('password2', t('acc_password2'), { type: 'password', autocomplete: 'new-password', required: true, maxlength: '256' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('acc_signup') })),
    status,
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
