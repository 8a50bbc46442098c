// pages/papers.js - a dossier's files as both the applicant and the
// officials see them: a download link for each, the files a supplement
// replaced (every version is kept), and a request for papers item by item
// with what was handed in for each item and how the official found it.
import { t, el, pick, when } from '../lib.js';

// An uploaded file of the dossier: saved, not opened here (served with
// Content-Disposition: attachment, never shown in this origin).
export function fileLink(code, sha, text, attrs = {}) {
  return el('a', { href: `/api/v1/dossiers/${encodeURIComponent(code)}/files/${encodeURIComponent(sha)}`, download: '', text, ...attrs });
}

const fieldLabel = (def, name) => {
  const f = (def?.form || []).find((x) => x.name === name);
  return f ? pick(f, 'label') : name;
};

// The state of item k of a notice: requested, answered, received, missing.
export const itemState = (notice, k) => (notice.item_states || [])[k] || 'requested';

export function itemBadge(state) {
  return el('span', { class: `badge sup-${state}`, text: t('sup_item_' + state) });
}

// The files a supplement replaced, each with when: officials and the
// applicant still see what was first sent.
export function earlierFiles(d, def) {
  const list = d.earlier_files || [];
  if (!list.length) return null;
  return el('div', { class: 'earlier-files' },
    el('h3', { text: t('sup_earlier_h') }),
    el('ul', { id: 'earlier-files' }, ...list.map((f) => el('li', {},
      fileLink(d.code, f.sha256, fieldLabel(def, f.field)), ' ',
      el('span', { class: 'hint', text: t('sup_replaced_at', { at: when(f.replaced_at) }) })))));
}

// A request for papers: each item with its state and the files handed in
// for it, then every answer's note.  The applicant's page and the
// official's use it alike.
export function noticeItems(d, notice, def, prefix = 'sup') {
  const byItem = new Map();
  const notes = [];
  for (const a of notice.answers || []) {
    for (const f of a.files || []) {
      if (!byItem.has(f.item)) byItem.set(f.item, []);
      byItem.get(f.item).push({ ...f, at: a.at });
    }
    if (a.note) notes.push(el('li', {}, el('time', { datetime: a.at, text: when(a.at) }), ': ', a.note));
  }
  const items = (notice.items || []).map((text, k) => el('li', { class: 'sup-item', 'data-item': String(k + 1) },
    el('span', { class: 'cz-item', text }), ' ', itemBadge(itemState(notice, k)),
    ...(byItem.get(k + 1) || []).map((f, n) => el('div', { class: 'sup-file' },
      fileLink(d.code, f.sha256, t('sup_file_sent', { n: n + 1, at: when(f.at) })),
      f.field ? el('span', { class: 'hint', text: ` (${fieldLabel(def, f.field)})` }) : null))));
  return el('div', { class: 'sup-items' },
    el('ol', { class: 'cz-papers', id: `${prefix}-item-list` }, ...items),
    notes.length ? el('div', {}, el('h4', { text: t('sup_notes_h') }), el('ul', { id: `${prefix}-notes` }, ...notes)) : null);
}
