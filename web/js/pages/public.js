// pages/public.js - the public pages: home (procedure search as you type,
// diacritics ignored by the server; popular procedures; the tracking box),
// a procedure's page, and public tracking (where the QR code on form 01
// lands: status and timeline, no personal data).
import { state, t, el, api, go, link, page, pick, money, when, day, alertBox, statusBadge, overdueBadge, isOfficial, legalTime, copies } from '../lib.js';
import { payText } from '../fees.js';
import { partsCard, linkedStrings } from './linked.js';

// Procedures most asked for at a ward (the catalogue's own codes).
const POPULAR = ['1.001193', '1.004873', '1.000656', '1.000894', '2.000635', '1.001612'];

export function home(view) {
  const input = el('input', { id: 'q', type: 'search', autocomplete: 'off', 'aria-describedby': 'q-hint', 'aria-controls': 'results' });
  const list = el('ul', { id: 'results', class: 'results', 'aria-live': 'polite', 'aria-label': t('results') });
  const popular = el('ul', { id: 'popular', class: 'results' });
  let timer = 0, seq = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) { list.replaceChildren(); return; } // the popular ones are below
      // nothing to look for (an emoji, punctuation): say so, ask nothing
      if (!/[\p{L}\p{N}]/u.test(q)) { list.replaceChildren(el('li', { id: 'search-no-word', text: t('search_no_word') })); return; }
      const res = await api('GET', `/api/v1/procedures?limit=20&q=${encodeURIComponent(q)}`);
      if (mine !== seq) return; // an older answer arriving late
      list.replaceChildren();
      if (res.status !== 200) { list.append(el('li', {}, alertBox(res))); return; }
      if (!res.body.items.length) list.append(el('li', { text: t('search_none') }));
      for (const p of res.body.items) list.append(procItem(p));
    }, 150);
  });
  page(view, t('search_title'),
    el('section', { class: 'card' },
      el('label', { for: 'q', id: 'q-label', text: t('search_label') }),
      input,
      el('p', { id: 'q-hint', class: 'hint', text: t('search_hint') }),
      list),
    el('div', { class: 'grid2' },
      el('section', { class: 'card', 'aria-labelledby': 'pop-h' }, el('h2', { id: 'pop-h', text: t('popular') }), popular),
      trackForm()));
  api('GET', '/api/v1/procedures?limit=100').then((res) => {
    if (res.status !== 200) return;
    const byCode = new Map(res.body.items.map((p) => [p.code, p]));
    for (const c of POPULAR) if (byCode.has(c)) popular.append(procItem(byCode.get(c)));
  });
}

function procItem(p) {
  return el('li', {}, link(`/thu-tuc/${p.code}`, pick(p)), el('span', { class: 'code', text: ` ${p.code} · ${pick(p, 'field')}` }));
}

export function trackForm(code = '', secret = '') {
  const c = el('input', { id: 'ma', name: 'ma', value: code, required: true, autocomplete: 'off' });
  const s = el('input', { id: 's', name: 's', value: secret, required: true, autocomplete: 'off' });
  const form = el('form', { class: 'card', action: '/tra-cuu', method: 'get', 'aria-labelledby': 'track-h' },
    el('h2', { id: 'track-h', text: t('track_title') }),
    el('label', { for: 'ma', text: t('track_code') }), c,
    el('label', { for: 's', text: t('track_secret') }), s,
    el('button', { type: 'submit', class: 'primary', text: t('track_submit') }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // typed from the receipt: any case, spaces around ignored (the server
    // takes them so too; the address shows the codes as printed)
    const code = c.value.trim().toUpperCase(), secret = s.value.trim().toUpperCase();
    go(`/tra-cuu?ma=${encodeURIComponent(code)}&s=${encodeURIComponent(secret)}`);
  });
  return form;
}

export async function procedure(view, code) {
  const res = await api('GET', `/api/v1/procedures/${encodeURIComponent(code)}`);
  if (res.status !== 200) { page(view, t('search_none'), backLink()); return; }
  const p = res.body;
  const time = legalTime(p.processing_time);
  const repealed = p.status === 'repealed';
  const apply = (state.me && isOfficial()) || repealed ? null
    : el('p', {}, link(`/nop-ho-so/${p.code}`, t('apply_online'), { class: 'button primary', id: 'apply' }));
  page(view, pick(p),
    el('article', { class: 'card' },
      el('p', { class: 'code', text: `${p.code} · ${pick(p, 'field')} · ${t('online_' + p.online_level)}` }),
      // a repealed procedure: read only, and where to apply instead
      repealed ? el('div', { class: 'warning', id: 'repealed', role: 'note' }, el('p', { text: t('proc_repealed') }),
        (p.replaced_by || []).length ? el('p', {}, t('proc_use_instead'), ' ',
          ...p.replaced_by.map((c, k) => [k ? ', ' : '', link(`/thu-tuc/${c}`, c)]).flat()) : null) : null,
      apply,
      p.payable === false ? el('p', { class: 'hint', id: 'unpayable', text: t('fee_not_payable') }) : null,
      el('h2', { text: t('processing_time') }), el('p', { text: time }),
      p.processing_note ? el('p', { class: 'hint', id: 'time-note', text: pick(p, 'processing_note') }) : null,
      // what the national portal shows too: who may apply, the conditions
      // and the steps, in the catalogue's words
      el('h2', { text: t('proc_applicants') }),
      el('p', { id: 'applicants', class: p.applicants ? null : 'hint', text: p.applicants ? pick(p, 'applicants') : t('proc_not_given') }),
      el('h2', { text: t('proc_requirements') }),
      el('p', { id: 'requirements', class: p.requirements ? null : 'hint', text: p.requirements ? pick(p, 'requirements') : t('proc_not_given') }),
      el('h2', { text: t('proc_steps') }),
      // who does each step; not its hours, which are motcua's own split of
      // the legal time, not the law's
      el('ol', { id: 'proc-steps' }, ...(p.steps || []).map((s) => el('li', {}, pick(s),
        el('span', { class: 'hint', text: ` — ${t('of_role_' + s.role)}` })))),
      el('h2', { text: t('fees') }),
      el('ul', { id: 'fees' }, ...p.fees.map((f) => el('li', {}, `${t(f.channel)}: ${money(f.amount)}`,
        f.note ? el('span', { class: 'hint', text: ` — ${pick(f, 'note')}` }) : null))),
      payHow(p),
      el('h2', { text: t('papers') }),
      el('ul', { id: 'papers' }, ...p.papers.map((x) => el('li', {}, `${pick(x)} (${t(x.kind)}, ${copies(x.count)})`,
        x.condition ? el('span', { class: 'hint', text: ` — ${pick(x, 'condition')}` }) : null,
        x.template ? [' ', el('a', { href: `/api/v1/procedures/${encodeURIComponent(p.code)}/templates/${encodeURIComponent(x.code)}`,
          download: '', class: 'template', text: t('proc_template') })] : null))),
      p.papers.some((x) => x.template) ? el('p', { class: 'hint', id: 'template-note', text: t('proc_template_note') }) : null,
      el('h2', { text: t('where_submit') }),
      el('p', { text: t('level_' + p.level) }),
      el('h2', { text: t('result_doc') }), el('p', { text: pick(p, 'result') }),
      el('h2', { text: t('legal_basis') }),
      el('ul', { id: 'legal-basis' }, ...p.legal_basis.map((b) => el('li', { text: b }))),
      p.verified_on ? el('p', { class: 'hint', id: 'verified-on', text: t('proc_verified_on', { date: day(p.verified_on) }) }) : null),
    backLink());
}

// How to pay, per channel, when there is a fee to pay (the unpublished
// ones are said above, as before).
function payHow(p) {
  if (p.payable === false) return null;
  const items = ['counter', 'online'].map((c) => [c, payText(p, c)]).filter(([, s]) => s);
  if (!items.length) return null;
  return el('section', { id: 'pay-how', 'aria-labelledby': 'pay-how-h' },
    el('h3', { id: 'pay-how-h', text: t('pay_how') }),
    el('ul', {}, ...items.map(([c, s]) => el('li', { text: `${t(c)}: ${s}` }))));
}

export async function track(view, code, qs) {
  if (qs === undefined) { qs = code; code = ''; }
  code = qs.get('ma') || '';
  const secret = qs.get('s') || '';
  const form = trackForm(code, secret);
  if (!code || !secret) { page(view, t('track_title'), form, backLink()); return; }
  const res = await api('GET', `/api/v1/track/${encodeURIComponent(code)}?s=${encodeURIComponent(secret)}`);
  if (res.status !== 200) {
    page(view, t('track_title'),
      el('p', { class: 'error', role: 'alert', text: t(res.status === 429 ? 'track_busy' : 'track_none') }), form, backLink());
    return;
  }
  const d = res.body;
  // a linked application (Decree 63/2024): the progress of each part
  const proc = await api('GET', `/api/v1/procedures/${encodeURIComponent(d.procedure.code)}`);
  if (proc.status === 200 && proc.body.linked) {
    const lk = await api('GET', `/api/v1/linked/${encodeURIComponent(code)}/track?s=${encodeURIComponent(secret)}`);
    if (lk.status === 200) {
      await linkedStrings();
      d.linked = lk.body.linked;
    }
  }
  // ended without a result: no appointment, and the end says what it was
  const noResult = ['refused', 'withdrawn', 'stopped'].includes(d.status);
  page(view, d.code,
    el('article', { class: 'card', id: 'dossier' },
      el('p', { text: pick(d.procedure) }),
      el('dl', {},
        el('dt', { text: t('status') }), el('dd', {}, el('span', { id: 'status' }, statusBadge(d.status)), ' ', overdueBadge(d)),
        el('dt', { text: t('received') }), el('dd', { text: d.received_at ? when(d.received_at) : t('ap_not_yet_received') }),
        noResult ? null : el('dt', { text: t('appointment') }),
        noResult ? null : el('dd', { id: 'appointment', text: d.due_at ? when(d.appointment_at || d.due_at) : t('ap_due_later') }),
        d.completed_at ? el('dt', { id: 'ended-label', text: t(noResult ? 'my_ended_' + d.status : 'completed') }) : null,
        d.completed_at ? el('dd', {}, when(d.completed_at), ' ', d.result_status
          ? el('span', { id: 'result', class: d.result_status, text: t(d.late_with_apology ? 'late_with_apology' : d.result_status) }) : null) : null,
        d.returned_at ? el('dt', { text: t('returned') }) : null,
        d.returned_at ? el('dd', { id: 'returned', text: when(d.returned_at) }) : null),
      el('h2', { text: t('steps') }),
      stepsTable(d.steps)),
    partsCard(d, false),
    backLink());
}

// The steps of a dossier as a table; on a phone each cell names its column.
export function stepsTable(steps) {
  const cell = (label, text) => el('td', { 'data-label': label, text });
  const rows = steps.map((s) => el('tr', {},
    cell(t('step'), String(s.seq)), cell('', pick(s)), cell(t('unit'), pick(s.unit) || '—'),
    cell(t('due'), when(s.due_at)), cell(t('finished'), when(s.finished_at)),
    cell(t('result'), s.result ? t(s.result) : '—')));
  return el('table', { class: 'steps' },
    el('caption', { class: 'sr-only', text: t('steps') }),
    el('thead', {}, el('tr', {}, ...['step', 'step_name', 'unit', 'due', 'finished', 'result']
      .map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, ...rows));
}

export function backLink() {
  return link('/', t('back'), { class: 'back' });
}

export function notFound(view) {
  page(view, t('not_found'), el('p', { text: t('not_found_text') }), backLink());
}
