// pages/portal.js - the operator's report of the synchronisation with the
// national public-service portal (/quan-tri/dong-bo): the dossiers'
// changes by state (failed first: with the portal's reason), the counts,
// the oldest waiting, and a failed change sent again once its cause is fixed.
import { t, el, api, page, link, alertBox, confirmAction, queueState, when, can, num, needStrings } from '../lib.js';

const STATES = ['failed', 'pending', 'sending', 'accepted'];

// "Gửi lại" a failed change: a confirmation naming the dossier, then the
// API's answer, and where the change stands after.
function retryBox(r, li) {
  const box = confirmAction({
    cls: 'ps',
    label: t('ps_retry'),
    question: t('ps_retry_confirm', { code: r.dossier_code }),
    yes: t('ps_retry_yes'),
    no: t('ps_retry_no'),
    act: () => api('POST', `/api/v1/portal/sync/${r.id}/retry`, {}),
    done: async () => {
      const s = await queueState('/api/v1/portal/sync', r.id, ['pending', 'sending', 'accepted', 'failed'], 'pending');
      li.dataset.state = s;
      const note = el('p', { class: 'notice', role: 'status', tabindex: '-1', text: t('ps_retried', { state: t('ps_st_' + s) }) });
      box.replaceWith(note);
      note.focus({ preventScroll: true });
    },
  });
  return box;
}

export async function sync(view, qs) {
  await needStrings('portal');
  if (!can('notify.admin')) { page(view, t('ps_title'), el('p', { class: 'error', role: 'alert', text: t('ps_not_allowed') })); return; }
  const st = STATES.includes(qs.get('state')) ? qs.get('state') : 'failed';
  const sum = await api('GET', '/api/v1/portal/summary');
  const res = await api('GET', `/api/v1/portal/sync?state=${st}&limit=100`);
  const c = sum.body?.counts || {};
  const counts = el('table', { id: 'ps-counts' },
    el('caption', { text: t('ps_counts', { s: num(sum.body?.oldest_pending_s ?? 0) }) }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('ps_state') }), el('th', { scope: 'col', text: t('ps_count') }))),
    el('tbody', {}, ...STATES.map((s) => el('tr', { 'data-state': s },
      el('td', { text: t('ps_st_' + s) }), el('td', { text: num(c[s] ?? 0) })))));
  const last = sum.body?.last_accepted_at ? el('p', { class: 'hint', id: 'ps-last', text: t('ps_last', { at: when(sum.body.last_accepted_at) }) }) : null;
  const tabs = el('p', { class: 'tabs' }, ...STATES.map((s) => s === st ? el('strong', { text: t('ps_st_' + s) }) : link('/quan-tri/dong-bo?state=' + s, t('ps_st_' + s))));
  const rows = res.status !== 200 ? [el('li', {}, alertBox(res))] : res.body.items.map((r) => {
    const li = el('li', { class: 'card', 'data-id': String(r.id), 'data-state': r.state },
      el('p', {}, el('strong', { text: r.dossier_code }), ' — ', t('ps_tt_' + r.portal_status)),
      el('p', { class: 'hint', text: t('ps_line', { n: r.attempts, at: when(r.at) }) }),
      r.last_error ? el('p', { class: 'error', text: r.last_error }) : null);
    if (r.state === 'failed') li.append(retryBox(r, li));
    return li;
  });
  page(view, t('ps_title'), el('p', { text: t('ps_intro') }), counts, last, tabs,
    el('ul', { class: 'nt-list', id: 'ps-list' }, ...(rows.length ? rows : [el('li', { class: 'hint', text: t('ps_empty') })])));
}
