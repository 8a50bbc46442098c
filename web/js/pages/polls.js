// pages/polls.js - opinion polls of committee members (lấy ý kiến thành
// viên UBND), made for a phone first: the list (what waits for the member
// first), the office's form that opens a poll (title, summary, papers,
// members, deadline, the rule for silence), and a poll's page: its papers,
// the member's signed answer (agree / disagree / other, a comment, the
// signing PIN), every member's answer and who signed it, the result once
// closed with its PDF, and the chairman's conclusion.
import { state, needStrings, t, el, api, go, link, page, when, alertBox, showFieldErrors, clearFieldErrors, field, upload } from '../lib.js';
import { officialOnly } from './office.js';
import { pinBox, withPin } from './signatures.js';

const CHOICES = ['agree', 'disagree', 'other'];
const choiceText = (c) => (c ? t('pl_choice_' + c) : t('pl_silent'));
const statusBadge = (s) => el('span', { class: `badge pst-${s}`, text: t('pl_status_' + s) });

// ---- /can-bo/lay-y-kien: the polls ----

export async function list(view) {
  await needStrings('polls');
  if (!officialOnly(view, null)) return;
  const [mine, all] = await Promise.all([api('GET', '/api/v1/my/polls?state=waiting'), api('GET', '/api/v1/polls')]);
  if (all.status !== 200) { page(view, t('pl_title'), alertBox(all)); return; }
  const waiting = mine.status === 200 ? mine.body.items : [];
  const member = (state.me.roles || []).includes('committee_member'); // asked in polls: what waits comes first
  page(view, t('pl_title'),
    el('p', { class: 'hint', text: t('pl_intro') }),
    state.me.permissions.includes('poll.manage') ? el('p', { class: 'actions' }, link('/can-bo/lay-y-kien/moi', t('pl_new'), { class: 'button primary', id: 'pl-new' })) : null,
    member || waiting.length ? el('section', { 'aria-labelledby': 'pl-wait-h' },
      el('h2', { id: 'pl-wait-h', text: t('pl_waiting') }),
      waiting.length ? el('ul', { class: 'doc-cards', id: 'pl-waiting' }, ...waiting.map(card)) : el('p', { class: 'hint', id: 'pl-none-waiting', text: t('pl_none_waiting') })) : null,
    el('section', { 'aria-labelledby': 'pl-all-h' },
      el('h2', { id: 'pl-all-h', text: t('pl_all') }),
      all.body.items.length ? el('ul', { class: 'doc-cards', id: 'pl-list' }, ...all.body.items.map(card)) : el('p', { class: 'hint', text: t('pl_none') })));
}

function card(p) {
  return el('li', { class: 'doc-card' },
    el('div', { class: 'doc-card-head' }, statusBadge(p.status),
      p.my_choice ? el('span', { class: 'task-kind', text: t('pl_my_choice', { choice: choiceText(p.my_choice) }) }) : null),
    el('p', { class: 'doc-summary' }, link(`/can-bo/lay-y-kien/${p.id}`, p.title, { class: 'doc-card-link' })),
    el('p', { class: 'doc-meta' }, [t('pl_deadline_at', { at: when(p.deadline) }), t('pl_answered_of', { n: p.answered, of: p.asked })].join(' · ')));
}

// ---- /can-bo/lay-y-kien/moi: the office opens a poll ----

export async function create(view) {
  await needStrings('polls');
  if (!officialOnly(view, 'poll.manage')) return;
  const r = await api('GET', '/api/v1/poll-members');
  if (r.status !== 200) { page(view, t('pl_new_title'), alertBox(r)); return; }
  const members = el('fieldset', { 'data-field': 'member_ids', id: 'pl-members', tabindex: '-1' },
    el('legend', { text: t('pl_members') + ' *' }),
    ...r.body.items.map((m) => el('label', { class: 'choice' },
      el('input', { type: 'checkbox', name: 'member', value: String(m.id), checked: true }), ' ', `${m.full_name} — ${m.position || ''}`)));
  const silence = el('fieldset', { 'data-field': 'silence', tabindex: '-1' },
    el('legend', { text: t('pl_silence') }),
    ...['agree', 'none'].map((v) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name: 'silence', value: v, checked: v === 'agree' }), ' ', t('pl_silence_' + v))));
  const papers = field('papers', t('pl_papers') + ' *', { type: 'file', accept: 'application/pdf', multiple: true, 'data-field': 'papers', hint: t('pl_papers_hint') });
  const status = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'act-form', id: 'pl-form', novalidate: true },
    field('title', t('pl_title_field') + ' *', { maxlength: '300', required: true }),
    field('summary', t('pl_summary') + ' *', { tag: 'textarea', maxlength: '4000', required: true }),
    papers, members,
    field('deadline', t('pl_deadline') + ' *', { type: 'datetime-local', step: '1', required: true, hint: t('pl_deadline_hint') }),
    silence,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'pl-open', text: t('pl_open') })),
    status);
  form.addEventListener('submit', (e) => { e.preventDefault(); submitOpen(form, status); });
  page(view, t('pl_new_title'), form, link('/can-bo/lay-y-kien', t('pl_back'), { class: 'back' }));
}

async function submitOpen(form, status) {
  clearFieldErrors(form);
  status.replaceChildren();
  const btn = form.querySelector('#pl-open');
  btn.disabled = true;
  const shas = [];
  for (const f of form.elements.papers.files) {
    status.replaceChildren(el('p', { class: 'hint', text: t('pl_uploading', { name: f.name }) }));
    const u = await upload(f);
    if (u.status !== 201) { btn.disabled = false; status.replaceChildren(alertBox(u)); return; }
    shas.push(u.body.sha256);
  }
  const local = form.elements.deadline.value; // "2026-12-10T17:00", Vietnam's time
  const body = {
    title: form.elements.title.value,
    summary: form.elements.summary.value,
    papers: shas,
    member_ids: [...form.querySelectorAll('input[name="member"]:checked')].map((i) => Number(i.value)),
    deadline: local ? `${local.length === 16 ? local + ':00' : local}+07:00` : '',
    silence: form.querySelector('input[name="silence"]:checked')?.value || 'agree',
  };
  const r = await api('POST', '/api/v1/polls', body);
  btn.disabled = false;
  if (r.status === 201) { go(`/can-bo/lay-y-kien/${r.body.id}?done=open`, true); return; }
  const rest = r.status === 422 ? showFieldErrors(form, r) : [];
  status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
}

// ---- /can-bo/lay-y-kien/{id}: one poll ----

export async function poll(view, id) {
  await needStrings('polls');
  if (!officialOnly(view, null)) return;
  const back = link('/can-bo/lay-y-kien', t('pl_back'), { class: 'back' });
  if (!/^\d{1,18}$/.test(id)) { page(view, t('pl_title'), el('p', { class: 'error', role: 'alert', text: t('pl_not_found') }), back); return; }
  const r = await api('GET', `/api/v1/polls/${id}`);
  if (r.status !== 200) { page(view, t('pl_title'), alertBox(r), back); return; }
  const p = r.body;
  const done = new URLSearchParams(location.search).get('done');
  page(view, t('pl_poll_title'),
    done ? el('p', { class: 'notice', role: 'status', id: 'done', text: t('pl_done_' + done) }) : null,
    head(p), p.my.may_answer ? await answerForm(p) : null, p.result ? result(p) : null,
    conclusion(p, r.headers.get('ETag')), members(p), back);
  if (done) history.replaceState(null, '', location.pathname);
}

function head(p) {
  const row = (k, ...v) => [el('dt', { text: t(k) }), el('dd', {}, ...v)];
  return el('section', { class: 'card doc-head', 'aria-labelledby': 'pl-h' },
    el('p', { class: 'doc-badges' }, el('span', { id: 'pl-status' }, statusBadge(p.status))),
    el('h2', { id: 'pl-h', class: 'doc-summary-big', text: p.title }),
    el('p', { text: p.summary }),
    el('dl', { class: 'head-dl' },
      ...row('pl_committee', p.committee.name),
      ...row('pl_deadline', el('span', { id: 'pl-deadline', text: when(p.deadline) })),
      ...row('pl_silence', t('pl_silence_' + p.silence)),
      ...row('pl_opened_by', `${p.opened_by.full_name} · ${when(p.opened_at)}`)),
    el('p', { class: 'actions' }, ...p.papers.map((f) => el('a', { href: f.href, class: 'button', id: `pl-paper-${f.position}`, text: t('pl_open_paper', { n: f.position }) }))));
}

async function answerForm(p) {
  const status = el('div', { 'aria-live': 'polite' });
  const mine = p.members.find((m) => m.id === state.me.id)?.answer;
  const form = el('form', { class: 'act-form', id: 'pl-answer', novalidate: true },
    el('fieldset', { 'data-field': 'choice', tabindex: '-1' },
      el('legend', { text: t('pl_your_answer') + ' *' }),
      ...CHOICES.map((c) => el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'choice', value: c, required: true }), ' ', t('pl_choice_' + c)))),
    field('comment', t('pl_comment'), { tag: 'textarea', maxlength: '2000', hint: t('pl_comment_hint') }),
    pinField(await pinBox('pl-pin')),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'pl-send', text: t(mine ? 'pl_change' : 'pl_send') })),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const body = withPin(form, { choice: form.querySelector('input[name="choice"]:checked')?.value || '', comment: form.elements.comment.value || null });
    const btn = form.querySelector('#pl-send');
    btn.disabled = true;
    const r = await api('POST', `/api/v1/polls/${p.id}/answers`, body);
    btn.disabled = false;
    if (r.status === 201) { go(`/can-bo/lay-y-kien/${p.id}?done=answer`, true); return; }
    const rest = r.status === 422 || r.status === 409 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return el('section', { class: 'card', 'aria-labelledby': 'pl-ans-h' },
    el('h2', { id: 'pl-ans-h', text: t('pl_answer_h') }),
    mine ? el('p', { class: 'hint', id: 'pl-mine', text: t('pl_mine_now', { choice: choiceText(mine.choice), at: when(mine.answered_at) }) }) : null,
    form);
}

// The PIN box of signatures.js, its hint said for an answer (a PIN is
// needed: an answer is always signed).
function pinField(box) {
  const hint = box.querySelector && box.querySelector('#pl-pin-hint');
  if (hint) hint.textContent = t('pl_pin_hint');
  return box;
}

function result(p) {
  const r = p.result;
  const cell = (k, v, id) => [el('dt', { text: t(k) }), el('dd', { id, text: String(v) })];
  return el('section', { class: 'card', id: 'pl-result', 'aria-labelledby': 'pl-res-h' },
    el('h2', { id: 'pl-res-h', text: t('pl_result') }),
    el('p', { class: 'hint', text: t('pl_rule_applied', { rule: t('pl_silence_' + r.rule) }) }),
    el('dl', { class: 'head-dl' },
      ...cell('pl_choice_agree', r.counts.agree, 'pl-n-agree'),
      ...cell('pl_choice_disagree', r.counts.disagree, 'pl-n-disagree'),
      ...cell('pl_choice_other', r.counts.other, 'pl-n-other'),
      ...cell('pl_silent', r.counts.silent, 'pl-n-silent'),
      ...cell('pl_counted_agree', r.counted.agree, 'pl-c-agree')),
    p.result_pdf ? el('p', { class: 'actions' }, el('a', { href: p.result_pdf, class: 'button', id: 'pl-pdf', text: t('pl_pdf') })) : null);
}

function conclusion(p, etag) {
  if (p.conclusion) {
    return el('section', { class: 'card', 'aria-labelledby': 'pl-con-h' },
      el('h2', { id: 'pl-con-h', text: t('pl_conclusion') }),
      el('p', { id: 'pl-conclusion', text: p.conclusion.text }),
      el('p', { class: 'hint', text: `${p.conclusion.by} · ${when(p.conclusion.at)}` }));
  }
  if (!p.my.may_conclude) return null;
  const status = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'act-form', id: 'pl-conclude', novalidate: true },
    field('conclusion', t('pl_conclusion') + ' *', { tag: 'textarea', maxlength: '4000', required: true }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'pl-conclude-b', text: t('pl_conclude') })),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const r = await api('POST', `/api/v1/polls/${p.id}/conclusion`, { conclusion: form.elements.conclusion.value }, { headers: { 'If-Match': etag || `"v${p.version}"` } });
    if (r.status === 200) { go(`/can-bo/lay-y-kien/${p.id}?done=conclude`, true); return; }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return el('section', { class: 'card', 'aria-labelledby': 'pl-con-h' }, el('h2', { id: 'pl-con-h', text: t('pl_conclusion') }), form);
}

// Every member asked, their last answer and its signature; every answer
// given (a change is kept) under it.
function members(p) {
  const counted = new Map(((p.result && p.result.members) || []).map((r) => [r.user_id, r.counted_as]));
  const none = (m) => (p.status === 'open' ? t('pl_not_yet')
    : counted.get(m.id) === 'agree' ? `${t('pl_silent')} (${t('pl_silence_agree').toLowerCase()})` : t('pl_silent'));
  const rows = p.members.map((m) => {
    const a = m.answer;
    const sig = a && a.signature ? t('pl_signed_by', { name: a.signature.signer, serial: a.signature.serial || '' }) : '';
    return el('tr', { id: `pl-m-${m.id}` },
      el('th', { scope: 'row', 'data-label': t('pl_member') }, m.full_name, el('br'), el('small', { text: m.position || '' })),
      el('td', { 'data-label': t('pl_answer'), class: 'pl-choice' }, a ? choiceText(a.choice) : none(m), a && a.comment ? el('p', { class: 'hint', text: a.comment }) : null),
      el('td', { 'data-label': t('pl_signature') }, a ? el('span', { class: 'pl-signed', text: sig }) : '—', a ? el('br') : null, a ? el('small', { text: when(a.answered_at) }) : null));
  });
  return el('section', { class: 'card', 'aria-labelledby': 'pl-mem-h' },
    el('h2', { id: 'pl-mem-h', text: t('pl_members_h') }),
    el('table', { class: 'stack', id: 'pl-members-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('pl_member') }), el('th', { scope: 'col', text: t('pl_answer') }), el('th', { scope: 'col', text: t('pl_signature') }))),
      el('tbody', {}, ...rows)),
    p.answers.length > p.members.filter((m) => m.answer).length ? answerHistory(p.answers) : null);
}

// Every answer given, a change included, oldest first, each signed.
function answerHistory(answers) {
  return el('details', { id: 'pl-history' },
    el('summary', { text: t('pl_changes', { n: answers.length }) }),
    el('ol', { class: 'trail' }, ...answers.map((a) => el('li', {},
      el('strong', { text: a.full_name }), ' · ', choiceText(a.choice), ' · ', when(a.answered_at),
      a.comment ? el('p', { class: 'hint', text: a.comment }) : null,
      a.signature ? el('p', { class: 'hint', text: t('pl_signed_by', { name: a.signature.signer, serial: a.signature.serial || '' }) }) : null))));
}
