// pages/inbox.js - the messages the platform sends each person, in the app
// as well as by SMS and e-mail (/hop-thu): newest first, unread marked,
// each opening where it points; the language one's messages are written
// in.  And the operator's view of the deliveries (/quan-tri/thong-bao):
// what waits, the dead letters, and a retry.
import { state, t, el, api, page, link, alertBox, confirmAction, queueState, when, can, num, needStrings } from '../lib.js';

function message(m, onRead) {
  const body = el('div', { class: 'nt-body', hidden: true },
    ...m.body.split('\n').filter((l) => l.trim()).map((l) => el('p', { text: l })),
    m.link ? el('p', {}, link(m.link, t('nt_open'))) : null);
  const toggle = el('button', { type: 'button', class: 'linkish nt-subject', 'aria-expanded': 'false', text: m.subject });
  const item = el('li', { class: m.read_at ? 'nt-item' : 'nt-item nt-unread', 'data-id': String(m.id) },
    toggle, el('p', { class: 'hint', text: when(m.created_at) + (m.read_at ? '' : ' · ' + t('nt_new')) }), body);
  toggle.addEventListener('click', async () => {
    const open = body.hidden;
    body.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open && !m.read_at) {
      const res = await api('POST', `/api/v1/my/inbox/${m.id}/read`, {}, { noIdempotency: true });
      if (res.status === 204) { m.read_at = new Date().toISOString(); item.classList.remove('nt-unread'); onRead(); }
    }
  });
  return item;
}

function languageForm() {
  const sel = el('select', { id: 'nt-lang', name: 'lang' },
    el('option', { value: 'vi', text: t('nt_lang_vi') }), el('option', { value: 'en', text: t('nt_lang_en') }));
  sel.value = state.me?.lang || 'vi';
  const said = el('p', { role: 'status', id: 'nt-lang-status' });
  sel.addEventListener('change', async () => {
    const res = await api('PUT', '/api/v1/my/language', { lang: sel.value });
    said.replaceChildren(res.status === 200 ? t('nt_lang_saved') : alertBox(res));
    if (res.status === 200 && state.me) state.me.lang = sel.value;
  });
  return el('section', { class: 'card', 'aria-labelledby': 'nt-lang-h' },
    el('h2', { id: 'nt-lang-h', text: t('nt_lang_title') }),
    el('label', { for: 'nt-lang', text: t('nt_lang_label') }), sel, said);
}

export async function inbox(view) {
  await needStrings('inbox');
  if (!state.me) { page(view, t('nt_title'), el('p', {}, link('/dang-nhap?next=/hop-thu', t('nav_login')))); return; }
  const list = el('ul', { class: 'nt-list', id: 'nt-list' });
  const count = el('p', { id: 'nt-unread', role: 'status' });
  const more = el('button', { type: 'button', id: 'nt-more', text: t('nt_more'), hidden: true });
  const allRead = el('button', { type: 'button', id: 'nt-all-read', text: t('nt_all_read') });
  let unread = 0, last = 0;
  const say = () => { count.textContent = unread ? t('nt_unread', { n: num(unread) }) : t('nt_none_unread'); };
  async function load() {
    const res = await api('GET', `/api/v1/my/inbox?limit=20${last ? '&before=' + last : ''}`);
    if (res.status !== 200) { list.replaceChildren(el('li', {}, alertBox(res))); return; }
    unread = res.body.unread;
    say();
    for (const m of res.body.items) { list.append(message(m, () => { unread = Math.max(0, unread - 1); say(); })); last = m.id; }
    if (!list.children.length) list.append(el('li', { class: 'hint', text: t('nt_empty') }));
    more.hidden = !res.body.more;
  }
  more.addEventListener('click', load);
  allRead.addEventListener('click', async () => {
    const res = await api('POST', '/api/v1/my/inbox/read', {}, { noIdempotency: true });
    if (res.status !== 204) return;
    unread = 0;
    say();
    for (const li of list.querySelectorAll('.nt-unread')) li.classList.remove('nt-unread');
  });
  page(view, t('nt_title'), el('p', { text: t('nt_intro') }), count, el('div', { class: 'actions' }, allRead), list, more, languageForm());
  await load();
}

const STATES = ['dead', 'pending', 'sending', 'sent'];

// "Gửi lại" a dead letter: a confirmation naming the message and where it
// goes, then the API's answer, and where the delivery stands after.
function retryBox(d, li) {
  const box = confirmAction({
    cls: 'nd',
    label: t('nd_retry'),
    question: t('nd_retry_confirm', { subject: d.subject || d.event, channel: t('nd_ch_' + d.channel), address: d.address }),
    yes: t('nd_retry_yes'),
    no: t('nd_retry_no'),
    act: () => api('POST', `/api/v1/notifications/deliveries/${d.id}/retry`, {}),
    done: async () => {
      const s = await queueState('/api/v1/notifications/deliveries', d.id, ['pending', 'sending', 'sent', 'dead'], 'pending');
      li.dataset.state = s;
      const note = el('p', { class: 'notice', role: 'status', tabindex: '-1', text: t('nd_retried', { state: t('nd_st_' + s) }) });
      box.replaceWith(note);
      note.focus({ preventScroll: true });
    },
  });
  return box;
}

export async function deliveries(view, qs) {
  await needStrings('inbox');
  if (!can('notify.admin')) { page(view, t('nd_title'), el('p', { class: 'error', role: 'alert', text: t('nd_not_allowed') })); return; }
  const st = STATES.includes(qs.get('state')) ? qs.get('state') : 'dead';
  const sum = await api('GET', '/api/v1/notifications/summary');
  const res = await api('GET', `/api/v1/notifications/deliveries?state=${st}&limit=100`);
  const counts = el('table', { id: 'nd-counts' },
    el('caption', { text: t('nd_counts', { s: sum.body?.oldest_pending_s ?? 0, n: sum.body?.unplanned ?? 0 }) }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('nd_channel') }), el('th', { scope: 'col', text: t('nd_state') }), el('th', { scope: 'col', text: t('nd_count') }))),
    el('tbody', {}, ...(sum.body?.counts || []).map((c) => el('tr', {},
      el('td', { text: t('nd_ch_' + c.channel) }), el('td', { text: t('nd_st_' + c.state) }), el('td', { text: num(c.count) })))));
  const tabs = el('p', { class: 'tabs' }, ...STATES.map((s) => s === st ? el('strong', { text: t('nd_st_' + s) }) : link('/quan-tri/thong-bao?state=' + s, t('nd_st_' + s))));
  const rows = res.status !== 200 ? [el('li', {}, alertBox(res))] : res.body.items.map((d) => {
    const li = el('li', { class: 'card', 'data-id': String(d.id), 'data-state': d.state },
      el('p', {}, el('strong', { text: d.subject || t('nd_ch_' + d.channel) }), ' — ', t('nd_ch_' + d.channel), ': ', d.address),
      el('p', { class: 'hint', text: t('nd_line', { event: d.event, n: d.attempts, at: when(d.created_at) }) }),
      d.last_error ? el('p', { class: 'error', text: d.last_error }) : null);
    if (d.state === 'dead') li.append(retryBox(d, li));
    return li;
  });
  page(view, t('nd_title'), el('p', { text: t('nd_intro') }), counts, tabs,
    el('ul', { class: 'nt-list', id: 'nd-list' }, ...(rows.length ? rows : [el('li', { class: 'hint', text: t('nd_empty') })])));
}
