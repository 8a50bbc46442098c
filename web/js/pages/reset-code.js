// pages/reset-code.js - an official at a reception counter issues a
// one-time password reset code to a citizen or a business who forgot the
// password (until codes can be sent by SMS or e-mail).  The official checks
// the ID card first; the page shows the account's holder to compare with
// the card, and the code once: it is not kept anywhere the page can read
// again, and a new code for the same account replaces it.
import { t, el, api, page, field, showFieldErrors, clearFieldErrors, alertBox, can, when, day } from '../lib.js';

export async function issue(view) {
  if (!can('account.reset')) { page(view, t('rc_title'), el('p', { class: 'error', role: 'alert', text: t('rc_not_allowed') })); return; }
  const result = el('div', { id: 'rc-result', 'aria-live': 'polite' });
  const checked = el('input', { type: 'checkbox', id: 'f-identity_checked', name: 'identity_checked' });
  const form = el('form', { class: 'card narrow', novalidate: true },
    el('p', { text: t('rc_intro') }),
    field('account', t('rc_account'), { inputmode: 'numeric', autocomplete: 'off', required: true, maxlength: '14', 'aria-describedby': 'rc-account-hint' }),
    el('p', { class: 'hint', id: 'rc-account-hint', text: t('rc_account_hint') }),
    el('div', { class: 'field' }, el('label', { class: 'check', for: 'f-identity_checked' }, checked, t('rc_checked'))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('rc_issue') })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    result.replaceChildren();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    const res = await api('POST', '/api/v1/password-resets',
      { account: form.account.value.trim(), identity_checked: checked.checked });
    button.disabled = false;
    if (res.status !== 201) {
      const rest = res.status === 422 ? showFieldErrors(form, res) : [];
      result.replaceChildren(alertBox(res), ...rest.map((m) => el('p', { class: 'error', text: m })));
      return;
    }
    const a = res.body.account;
    result.replaceChildren(el('section', { class: 'card', 'aria-labelledby': 'rc-code-h' },
      el('h2', { id: 'rc-code-h', text: t('rc_code_title') }),
      el('p', { class: 'reset-code', id: 'rc-code', text: res.body.code }),
      el('p', { text: t('rc_valid', { minutes: res.body.valid_minutes, until: when(res.body.expires_at) }) }),
      el('dl', { id: 'rc-holder' },
        el('dt', { text: t(a.kind === 'business' ? 'rc_business' : 'rc_holder') }), el('dd', { text: a.full_name }),
        a.birth_date ? el('dt', { text: t('acc_birth_date') }) : null, a.birth_date ? el('dd', { text: day(a.birth_date) }) : null,
        a.representative ? el('dt', { text: t('acc_biz_rep') }) : null, a.representative ? el('dd', { text: a.representative }) : null),
      el('p', { class: 'hint', text: t('rc_compare') }),
      el('p', { class: 'hint', text: t('rc_tell') })));
    form.reset();
  });
  page(view, t('rc_title'), form, result);
}
