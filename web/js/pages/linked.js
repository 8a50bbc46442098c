// pages/linked.js - linked procedures under Decree 63/2024 (docs/linked.md):
// the parts to tick on the online form, the parts of an application on the
// dossier pages (the applicant's and the officials'), "part of application
// X" on a sub-dossier, and the hand-overs page (/can-bo/ho-so-lien-thong)
// listing the applications' hand-overs and those that missed their times.
import { t, el, api, link, page, pick, when, alertBox, needStrings } from '../lib.js';
import { officialOnly } from './office.js';

export const linkedStrings = () => needStrings('linked');

// The parts of a linked procedure as checkboxes: the first one required
// (ticked, cannot be unticked).  {box, get(), show()}.
export function partsChooser(proc) {
  const parts = (proc.linked && proc.linked.parts) || [];
  const box = el('fieldset', { id: 'linked-parts', class: 'cz-choices', 'data-field': 'parts' },
    el('legend', { text: t('lk_choose_parts') }),
    el('p', { class: 'hint', text: t('lk_choose_hint', { days: proc.linked.days, vdays: proc.linked.verification_days }) }),
    ...parts.map((p) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'parts', value: p.part, id: `part-${p.part}`, checked: true, disabled: p.required ? true : null }),
      t('lk_part_' + p.part), p.required ? el('span', { class: 'hint', text: ` (${t('lk_required')})` }) : null)));
  const get = () => parts.filter((p) => p.required || box.querySelector(`#part-${p.part}`).checked).map((p) => p.part);
  return { box, get, show: () => get().map((p) => t('lk_part_' + p)).join(', ') };
}

// The parts of an application (d.linked.parts) as a card; official: links to
// the sub-dossiers.  Null for a dossier that is not an application.
export function partsCard(d, official) {
  const parts = d.linked && d.linked.parts;
  if (!parts || !parts.length) return null;
  const th = (k) => el('th', { scope: 'col', text: t(k) });
  const td = (label, v, attrs = {}) => el('td', { 'data-label': t(label), ...attrs }, v);
  return el('section', { class: 'card', id: 'linked', 'aria-labelledby': 'linked-h' },
    el('h2', { id: 'linked-h', text: t('lk_parts_h') }),
    el('p', { class: 'hint', text: t('lk_parts_intro') }),
    d.linked.partly_refused ? el('p', { class: 'warning', id: 'linked-partly', text: t('lk_partly_refused') }) : null,
    el('table', { class: 'stack', id: 'linked-table' },
      el('thead', {}, el('tr', {}, th('lk_part'), th('lk_agency'), th('lk_state'), th('lk_sub'), th('lk_due'), th('lk_result_at'))),
      el('tbody', {}, ...parts.map((p) => el('tr', { id: `lp-${p.part}`, 'data-state': p.state },
        el('th', { scope: 'row', 'data-label': t('lk_part'), text: t('lk_part_' + p.part) }),
        td('lk_agency', pick(p.agency) || '—'),
        td('lk_state', el('span', { class: `badge lk-${p.state}`, text: t('lk_state_' + p.state) }),
          p.reason && p.state !== 'done' ? el('span', { class: 'hint', text: ` ${p.reason}` }) : null),
        td('lk_sub', p.dossier ? (official ? link(`/can-bo/ho-so/${encodeURIComponent(p.dossier)}`, p.dossier) : el('span', { class: 'code', text: p.dossier })) : '—'),
        td('lk_due', p.due_at ? when(p.due_at) : '—'),
        td('lk_result_at', p.result_at ? when(p.result_at) : '—'))))));
}

// "Part of linked application X" on a sub-dossier.
export function partOfNote(d, official) {
  if (!d.linked_application) return null;
  const code = d.linked_application;
  return el('p', { class: 'notice', id: 'linked-of' }, t('lk_part_of'), ' ',
    official ? link(`/can-bo/ho-so/${encodeURIComponent(code)}`, code) : link(`/ho-so-cua-toi/${encodeURIComponent(code)}`, code));
}

// /can-bo/ho-so-lien-thong: the hand-overs over the official's agencies,
// the late ones first in view (?tat-ca=1: all of them).
export async function handovers(view, qs) {
  if (!officialOnly(view, 'dossier.read')) return;
  await linkedStrings();
  const all = qs && qs.get('tat-ca') === '1';
  const res = await api('GET', `/api/v1/linked/handovers${all ? '' : '?late=1'}`);
  if (res.status !== 200) { page(view, t('lk_ho_title'), alertBox(res)); return; }
  const items = res.body.items || [];
  const th = (k) => el('th', { scope: 'col', text: t(k) });
  const td = (label, v, attrs = {}) => el('td', { 'data-label': t(label), ...attrs }, v);
  const lateWords = (h) => [h.forward_late ? t('lk_late_forward') : '', h.acknowledge_late ? t('lk_late_ack') : '',
    h.result_forward_late ? t('lk_late_result') : ''].filter(Boolean).join('; ') || t('lk_in_time');
  page(view, t('lk_ho_title'),
    el('p', { class: 'hint', text: t('lk_ho_rule', { min: res.body.forward_minutes, hours: res.body.acknowledge_working_minutes / 60 }) }),
    el('p', {}, all ? link('/can-bo/ho-so-lien-thong', t('lk_ho_late_only'), { id: 'ho-switch' }) : link('/can-bo/ho-so-lien-thong?tat-ca=1', t('lk_ho_all'), { id: 'ho-switch' })),
    el('section', { class: 'card', 'aria-labelledby': 'ho-h' },
      el('h2', { id: 'ho-h', text: t(all ? 'lk_ho_all_h' : 'lk_ho_late_h', { n: items.length }) }),
      items.length ? el('table', { class: 'stack', id: 'handovers' },
        el('thead', {}, el('tr', {}, th('lk_application'), th('lk_part'), th('lk_agency'), th('lk_ready'), th('lk_forwarded'), th('lk_acknowledged'), th('lk_verdict'))),
        el('tbody', {}, ...items.map((h) => el('tr', { 'data-sub': h.dossier || '' },
          el('th', { scope: 'row', 'data-label': t('lk_application') }, link(`/can-bo/ho-so/${encodeURIComponent(h.application)}`, h.application)),
          td('lk_part', h.dossier ? link(`/can-bo/ho-so/${encodeURIComponent(h.dossier)}`, t('lk_part_' + h.part)) : t('lk_part_' + h.part)),
          td('lk_agency', pick(h.agency) || '—'),
          td('lk_ready', when(h.ready_at)),
          td('lk_forwarded', h.forwarded_at ? when(h.forwarded_at) : '—'),
          td('lk_acknowledged', h.acknowledged_at ? when(h.acknowledged_at) : '—'),
          td('lk_verdict', el('span', { class: h.forward_late || h.acknowledge_late || h.result_forward_late ? 'badge lk-late' : 'badge lk-done', text: lateWords(h) }))))))
        : el('p', { class: 'hint', id: 'ho-none', text: t(all ? 'lk_ho_none_all' : 'lk_ho_none') })));
}
