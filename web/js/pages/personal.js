// pages/personal.js - the citizen's personal document store (/kho-du-lieu,
// "kho dữ liệu cá nhân"): the papers the platform issued to them (a birth
// certificate, a death extract, a residence confirmation), newest first,
// each with who issued it, through which dossier, its number, and the file
// to download.  The application form offers the same papers where a
// procedure asks for one of their kind (pages/apply.js).
import { state, t, el, api, page, link, alertBox, day, pick } from '../lib.js';

// "cấp bởi <agency>, hồ sơ <code>, số <number>": where a paper came from
export function paperSource(p) {
  const agency = pick(p.issuer) || p.issuer?.name || '';
  return p.number_text
    ? t('pp_source', { agency, code: p.dossier_code, number: p.number_text })
    : t('pp_source_nonum', { agency, code: p.dossier_code });
}

export const paperTitle = (p) => (state.lang === 'en' && p.title_en ? p.title_en : p.title);

function card(p) {
  return el('li', { class: 'card pp-paper', 'data-id': String(p.id) },
    el('h2', { text: paperTitle(p) }),
    el('p', { class: 'pp-source', text: paperSource(p) }),
    el('p', { class: 'hint', text: t('pp_issued_on', { day: day(p.issued_at) }) }),
    p.valid ? null : el('p', { class: 'warning', text: t('pp_not_valid') }),
    el('p', {}, el('a', {
      href: `/api/v1/my/papers/${p.id}/file`, download: '', class: 'button', id: `pp-file-${p.id}`,
      text: t('pp_download'), 'aria-label': t('pp_download_named', { name: paperTitle(p) }),
    })));
}

export async function store(view) {
  if (!state.me) {
    page(view, t('pp_title'), el('p', {}, link('/dang-nhap?next=/kho-du-lieu', t('nav_login'))));
    return;
  }
  const list = el('ul', { class: 'pp-list', id: 'pp-list' });
  const more = el('button', { type: 'button', id: 'pp-more', text: t('pp_more'), hidden: true });
  let before = 0;
  async function load() {
    const res = await api('GET', `/api/v1/my/papers?limit=50${before ? '&before=' + before : ''}`);
    if (res.status !== 200) { list.replaceChildren(el('li', {}, alertBox(res))); return; }
    for (const p of res.body.items) list.append(card(p));
    before = res.body.next_before || 0;
    more.hidden = !before;
    if (!list.children.length) list.append(el('li', { class: 'hint', id: 'pp-empty', text: t('pp_empty') }));
  }
  more.addEventListener('click', load);
  page(view, t('pp_title'), el('p', { text: t('pp_intro') }), list, more);
  await load();
}
