// pages/handoffs.js - the operator's page of the dossiers handed to the
// systems of external agencies (/quan-tri/chuyen-giao; docs/operations.md
// "Agencies handled by their own systems"): the hand-overs of the agencies
// under the operator's, by state (failed first: with the last error), and a
// failed one tried again once its cause is fixed, after a confirmation.
// For the holders of agency.manage, as the API (GET
// /api/v1/exchange/handoffs, POST .../{id}/retry) is.
import { state, t, el, api, go, page, link, pick, alertBox, confirmAction, when, can, num, needStrings } from '../lib.js';

const STATES = ['failed', 'pending', 'sending', 'delivered'];
const PAGE = 50;

const stateBadge = (s) => el('span', { class: `badge hf-${s}`, text: t('hf_st_' + s) });

// One hand-over as a row of the table (a card on a phone); reload(h) draws
// it again as the server has it now.
function row(h) {
  const td = (key, ...v) => el('td', { 'data-label': t(key) }, ...v);
  const code = h.dossier.code;
  const tr = el('tr', { 'data-id': String(h.id), 'data-state': h.state, 'data-code': code },
    el('th', { scope: 'row', 'data-label': t('hf_dossier') }, link(`/can-bo/ho-so/${encodeURIComponent(code)}`, code),
      h.dossier.status ? el('span', { class: 'hint hf-status', text: ` ${t('st_' + h.dossier.status)}` }) : null),
    td('hf_agency', pick(h.agency), el('span', { class: 'hint', text: ` (${h.agency.code})` })),
    td('hf_state', stateBadge(h.state),
      h.delivered_at ? el('span', { class: 'hint', text: ` ${t('hf_delivered_at', { at: when(h.delivered_at) })}` }) : null),
    td('hf_tries', num(h.attempts)),
    td('hf_error', h.last_error ? el('span', { class: 'hf-error', text: h.last_error }) : '—'),
    td('hf_next', h.next_at ? when(h.next_at) : '—'));
  tr.append(h.state === 'failed' ? td('hf_action', retryBox(h, tr)) : el('td', { 'data-label': '' }));
  return tr;
}

// "Thử lại": a confirmation that says what happens, then the API's answer,
// and the row as it stands after.
function retryBox(h, tr) {
  return confirmAction({
    cls: 'hf',
    label: t('hf_retry'),
    question: t('hf_retry_confirm', { code: h.dossier.code, agency: pick(h.agency) }),
    yes: t('hf_retry_yes'),
    no: t('hf_retry_no'),
    act: () => api('POST', `/api/v1/exchange/handoffs/${h.id}/retry`, {}),
    done: async () => {
      // the row as the server has it now: the newest at or before its id
      const now = await api('GET', `/api/v1/exchange/handoffs?before=${h.id + 1}&limit=1`);
      const fresh = now.status === 200 && now.body.items[0]?.id === h.id ? now.body.items[0] : { ...h, state: 'pending', attempts: 0 };
      const next = row(fresh);
      next.querySelector('td:last-child').replaceChildren(
        el('p', { class: 'notice', role: 'status', text: t('hf_retried', { state: t('hf_st_' + fresh.state) }) }));
      tr.replaceWith(next);
      next.querySelector('.notice').setAttribute('tabindex', '-1');
      next.querySelector('.notice').focus({ preventScroll: true });
    },
  });
}

export async function list(view, qs) {
  await needStrings('handoff');
  if (!state.me) { go(`/dang-nhap?next=${encodeURIComponent(location.pathname + location.search)}`, true); return; }
  if (!can('agency.manage')) { page(view, t('hf_title'), el('p', { class: 'error', role: 'alert', text: t('hf_not_allowed') })); return; }
  const which = STATES.includes(qs.get('state')) ? qs.get('state') : qs.get('state') === 'all' ? 'all' : 'failed';
  const tabs = el('ul', { class: 'tabs', id: 'hf-tabs', 'aria-label': t('hf_filter') },
    ...[...STATES, 'all'].map((s) => el('li', {}, link(`/quan-tri/chuyen-giao?state=${s}`, t('hf_st_' + s),
      s === which ? { 'aria-current': 'page', id: `hf-tab-${s}` } : { id: `hf-tab-${s}` }))));
  const th = (k) => el('th', { scope: 'col', text: t(k) });
  const body = el('tbody', {});
  const table = el('table', { class: 'stack', id: 'hf-list', 'aria-label': t('hf_st_' + which) },
    el('thead', {}, el('tr', {}, th('hf_dossier'), th('hf_agency'), th('hf_state'), th('hf_tries'), th('hf_error'), th('hf_next'), th('hf_action'))),
    body);
  const status = el('div', { 'aria-live': 'polite' });
  const more = el('button', { type: 'button', id: 'hf-more', text: t('hf_more'), hidden: true });
  const none = el('p', { class: 'hint', id: 'hf-none', hidden: true, text: t('hf_none') });
  let before = 0;
  async function load() {
    const q = `${which === 'all' ? '' : `state=${which}&`}limit=${PAGE}${before ? `&before=${before}` : ''}`;
    const res = await api('GET', `/api/v1/exchange/handoffs?${q}`);
    if (res.status !== 200) { status.replaceChildren(alertBox(res)); more.hidden = true; return; }
    body.append(...res.body.items.map(row));
    before = res.body.next_before || 0;
    more.hidden = !before;
    table.hidden = !body.children.length;
    none.hidden = !!body.children.length;
  }
  more.addEventListener('click', load);
  await load();
  page(view, t('hf_title'), el('p', { text: t('hf_intro') }), tabs, status,
    el('div', { class: 'card' }, table, none, el('div', { class: 'actions' }, more)));
}
