// pages/schedule.js - work calendars (lịch công tác tuần), made for a phone
// first: the public page of a body's published week; the officials' week
// with its state and acts (submit, approve, return, publish), conflicts
// flagged; an event's page (who chairs, who is invited and what they
// answered, its papers, its Giấy mời) where an invitee answers; the form
// that writes an event; and an official's own calendar with the address of
// their private iCalendar feed.
import { needStrings, t, el, api, go, link, page, alertBox, showFieldErrors, clearFieldErrors, field, state, todayVN, isoDay, pick, dateInput, upload } from '../lib.js';
import { officialOnly } from './office.js';

const p2 = (n) => String(n).padStart(2, '0');
const hm = (iso) => (iso ? iso.slice(11, 16) : '');
const ymd = (d) => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
const addDays = (iso, n) => ymd(new Date(Date.parse(iso + 'T00:00:00Z') + n * 86400000));
// The Monday of the week holding iso (yyyy-mm-dd).
function mondayOf(iso) {
  const d = new Date(iso + 'T00:00:00Z');
  return addDays(iso, -((d.getUTCDay() + 6) % 7));
}
const dowName = (iso) => t('sc_dow_' + ((new Date(iso + 'T00:00:00Z').getUTCDay() + 6) % 7));
const dmy = (iso) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const weekParam = (qs) => (/^\d{4}-\d{2}-\d{2}$/.test(qs.get('tuan') || '') ? qs.get('tuan') : todayVN());

const placeOf = (e) => [e.room ? e.room.place : e.place, e.online_url ? t('sc_online') : ''].filter(Boolean).join(' · ');
const stateBadge = (s) => el('span', { class: `badge sst-${s}`, id: 'sc-state', text: t('sc_state_' + s) });

// Week navigation: previous, this, next.
function weekNav(base, monday, extra = '') {
  const to = (d) => `${base}?tuan=${d}${extra}`;
  return el('nav', { class: 'week-nav', 'aria-label': t('sc_weeks') },
    link(to(addDays(monday, -7)), t('sc_prev'), { id: 'sc-prev' }),
    link(to(todayVN()), t('sc_this_week'), { id: 'sc-this' }),
    link(to(addDays(monday, 7)), t('sc_next'), { id: 'sc-next' }));
}

// An event as a card: time, what, who chairs, where; its conflicts and
// cancellation said.
function eventCard(e, href) {
  const cancelled = e.status === 'cancelled';
  return el('li', { class: 'event-card' + (cancelled ? ' cancelled' : ''), id: `ev-${e.id}` },
    el('p', { class: 'event-time', text: `${hm(e.start)} – ${hm(e.end)}` }),
    el('p', { class: 'event-title' }, href ? link(href, e.title, { class: 'event-link' }) : el('span', { text: e.title })),
    el('p', { class: 'doc-meta' }, href ? link(`/can-bo/lich-cua-toi?nguoi=${e.chair.id}&tuan=${e.week}`, t('sc_chair', { name: e.chair.full_name }))
      : t('sc_chair', { name: e.chair.full_name })),
    placeOf(e) ? el('p', { class: 'doc-meta', text: placeOf(e) }) : null,
    cancelled ? el('p', { class: 'warning', text: t('sc_cancelled', { reason: e.cancel_reason || '' }) }) : null,
    (e.conflicts || []).length ? el('p', { class: 'warning conflict', role: 'note' },
      t('sc_conflicts', { names: [...new Set(e.conflicts.map((c) => c.full_name))].join(', ') })) : null);
}

// The days of a week, each with its events.
function days(week, href) {
  return el('div', { class: 'week-days' }, ...week.days.map((d) => {
    const evs = week.events.filter((e) => e.start.slice(0, 10) === d);
    return el('section', { class: 'week-day', 'aria-labelledby': `d-${d}` },
      el('h2', { id: `d-${d}`, text: `${dowName(d)}, ${dmy(d)}` }),
      evs.length ? el('ul', { class: 'event-list' }, ...evs.map((e) => eventCard(e, href && href(e))))
        : el('p', { class: 'hint', text: t('sc_no_events') }));
  }));
}

// ---- /lich-cong-tac: the published week of a body, for everyone ----

export async function publicWeek(view, qs) {
  await needStrings('schedule');
  const list = await api('GET', '/api/v1/agencies');
  const bodies = (list.body?.items || []).filter((a) => ['city_committee', 'ward_committee', 'department'].includes(a.kind) && a.active);
  const chosen = Number(qs.get('co-quan')) || (bodies.find((a) => a.kind === 'city_committee') || bodies[0] || {}).id;
  const monday = mondayOf(weekParam(qs));
  if (!chosen) { page(view, t('sc_public_title'), el('p', { class: 'hint', text: t('sc_no_events') })); return; }
  const r = await api('GET', `/api/v1/public/agencies/${chosen}/schedule?week=${monday}`);
  const pickBox = el('select', { id: 'sc-agency', name: 'co-quan' },
    ...bodies.map((a) => el('option', { value: String(a.id), text: pick(a), ...(a.id === chosen ? { selected: true } : {}) })));
  pickBox.addEventListener('change', () => go(`/lich-cong-tac?co-quan=${pickBox.value}&tuan=${monday}`));
  if (r.status !== 200) { page(view, t('sc_public_title'), alertBox(r)); return; }
  const w = r.body;
  const published = w.state === 'published';
  page(view, t('sc_public_title'),
    el('div', { class: 'field' }, el('label', { for: 'sc-agency', text: t('sc_agency') }), pickBox),
    el('p', { class: 'week-title', id: 'sc-week', text: t('sc_week_of', { from: dmy(w.days[0]), to: dmy(w.days[6]) }) }),
    weekNav('/lich-cong-tac', monday, `&co-quan=${chosen}`),
    published ? el('p', { class: 'actions' },
      el('a', { class: 'button', id: 'sc-pdf', href: `/api/v1/public/agencies/${chosen}/schedule/pdf?week=${monday}`, text: t('sc_pdf') }),
      el('a', { class: 'button', id: 'sc-ical', href: `/ical/agencies/${chosen}`, text: t('sc_subscribe') }))
      : el('p', { class: 'hint', id: 'sc-unpublished', text: t('sc_unpublished') }),
    w.edition > 0 ? el('p', { class: 'notice', text: t('sc_edition', { n: w.edition }) }) : null,
    published ? days(w, null) : null);
}

// ---- /can-bo/lich-cong-tac: a calendar's week, for officials ----

// The calendar an official opens first: the body their office serves, or
// their own agency.
async function homeCalendar() {
  const r = await api('GET', `/api/v1/agencies/${state.me.agency.id}`);
  return r.status === 200 && r.body.kind === 'office' && r.body.parent_id ? r.body.parent_id : state.me.agency.id;
}

export async function officeWeek(view, qs) {
  await needStrings('schedule');
  if (!officialOnly(view, 'schedule.read')) return;
  const agency = Number(qs.get('co-quan')) || await homeCalendar();
  const monday = mondayOf(weekParam(qs));
  const r = await api('GET', `/api/v1/agencies/${agency}/schedule?week=${monday}`);
  if (r.status !== 200) { page(view, t('sc_title'), alertBox(r)); return; }
  const w = r.body;
  const done = qs.get('done');
  const version = Number((r.headers.get('ETag') || '"v0"').replace(/[^0-9]/g, ''));
  page(view, t('sc_title'),
    done ? el('p', { class: 'notice', role: 'status', id: 'done', text: t('sc_done_' + done) }) : null,
    el('p', { class: 'week-title', id: 'sc-week' }, `${pick(w.agency)} · `, t('sc_week_of', { from: dmy(w.days[0]), to: dmy(w.days[6]) })),
    el('p', { class: 'doc-badges' }, stateBadge(w.state),
      w.edition > 0 ? el('span', { class: 'task-kind', text: t('sc_edition', { n: w.edition }) }) : null),
    w.note ? el('p', { class: 'warning', id: 'sc-note', text: t('sc_returned', { note: w.note }) }) : null,
    weekNav('/can-bo/lich-cong-tac', monday, `&co-quan=${agency}`),
    el('p', { class: 'actions' },
      w.may_manage ? link(`/can-bo/lich-cong-tac/moi?co-quan=${agency}&tuan=${monday}`, t('sc_add'), { class: 'button primary', id: 'sc-add' }) : null,
      el('a', { class: 'button', id: 'sc-pdf', href: `/api/v1/agencies/${agency}/schedule/pdf?week=${monday}`, text: t('sc_pdf') }),
      link('/can-bo/lich-cua-toi', t('sc_mine'), { class: 'button', id: 'sc-mine' })),
    weekActs(w, agency, monday, version),
    days(w, (e) => `/can-bo/lich-cong-tac/${e.id}`));
  if (done) history.replaceState(null, '', `${location.pathname}?co-quan=${agency}&tuan=${monday}`);
}

function weekActs(w, agency, monday, version) {
  if (!w.actions.length) return null;
  const status = el('div', { 'aria-live': 'polite' });
  const note = w.actions.includes('return') ? field('note', t('sc_note'), { tag: 'textarea', maxlength: '500', id: 'sc-note-box' }) : null;
  const buttons = w.actions.map((a) => el('button', { type: 'button', id: `sc-act-${a}`, class: a === 'return' ? '' : 'primary', text: t('sc_act_' + a),
    onclick: async (ev) => {
      ev.target.disabled = true;
      const body = a === 'return' ? { note: note.querySelector('textarea').value } : {};
      const r = await api('POST', `/api/v1/agencies/${agency}/schedule/actions/${a}?week=${monday}`, body, { headers: { 'If-Match': `"v${version}"` } });
      ev.target.disabled = false;
      if (r.status === 200) { go(`/can-bo/lich-cong-tac?co-quan=${agency}&tuan=${monday}&done=${a}`, true); return; }
      status.replaceChildren(alertBox(r));
    } }));
  return el('section', { class: 'card', id: 'sc-acts', 'aria-labelledby': 'sc-acts-h' },
    el('h2', { id: 'sc-acts-h', text: t('sc_acts') }), note, el('p', { class: 'actions' }, ...buttons), status);
}

// ---- /can-bo/lich-cong-tac/{id}: one event ----

const answerText = (p) => (p.answer ? t('sc_answer_' + p.answer) + (p.attendee ? ` · ${p.attendee.full_name}` : '') + (p.reason ? ` · ${p.reason}` : '') : t('sc_answer_none'));

function participants(e) {
  return el('section', { class: 'card', 'aria-labelledby': 'sc-part-h' },
    el('h2', { id: 'sc-part-h', text: t('sc_participants') }),
    e.participants.length ? el('ul', { class: 'answers', id: 'sc-participants' }, ...e.participants.map((p) => el('li', { id: `p-${p.id}` },
      el('strong', { text: p.user ? p.user.full_name : t('sc_agency_rep', { name: pick(p.agency) }) }),
      p.user && p.user.position ? el('span', { class: 'doc-meta', text: ` · ${p.user.position}` }) : null,
      el('p', { class: `answer ans-${p.answer || 'none'}`, text: answerText(p) }))))
      : el('p', { class: 'hint', text: t('sc_nobody') }));
}

// The caller's invitation to e: their own, or that of an agency they
// answer for (a leader or clerical officer of it).
function myInvitation(e) {
  const me = state.me;
  const own = e.participants.find((p) => p.user && p.user.id === me.id);
  if (own) return own;
  const answersForAgency = (me.roles || []).some((r) => r === 'leader' || r === 'clerical');
  return answersForAgency ? e.participants.find((p) => p.agency && p.agency.id === me.agency.id) : null;
}

async function answerForm(e, mine) {
  const over = Date.parse(e.end) <= Date.now() || e.status !== 'active';
  if (!mine || over) return null;
  const people = await api('GET', `/api/v1/agencies/${mine.agency ? mine.agency.id : e.agency.id}/schedule/people`);
  const choices = (people.body?.items || []).filter((u) => u.id !== state.me.id);
  const radios = (mine.agency ? ['attend', 'absent'] : ['attend', 'deputy', 'absent']).map((a) => el('label', { class: 'choice' },
    el('input', { type: 'radio', name: 'answer', value: a, id: `ans-${a}`, ...(mine.answer === a ? { checked: true } : {}) }), ' ', t('sc_answer_' + a)));
  const who = el('select', { name: 'attendee_id', id: 'f-attendee_id' }, el('option', { value: '', text: '—' }),
    ...choices.map((u) => el('option', { value: String(u.id), text: `${u.full_name}${u.position ? ' · ' + u.position : ''}` })));
  const status = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'card act-form', id: 'sc-answer', novalidate: true },
    el('h2', { text: t('sc_your_answer') }),
    el('fieldset', {}, el('legend', { text: t('sc_answer') }), ...radios),
    el('div', { class: 'field' }, el('label', { for: 'f-attendee_id', text: t(mine.agency ? 'sc_sent' : 'sc_deputy') }), who),
    field('reason', t('sc_reason'), { tag: 'textarea', maxlength: '500' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'sc-send-answer', text: t('sc_send_answer') })), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const a = form.querySelector('input[name="answer"]:checked');
    const body = { answer: a ? a.value : null, reason: form.elements.reason.value || null, attendee_id: who.value ? Number(who.value) : null };
    const r = await api('POST', `/api/v1/schedule-events/${e.id}/answer`, body);
    if (r.status === 200) { go(`/can-bo/lich-cong-tac/${e.id}?done=answer`, true); return; }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return form;
}

function keeperActs(e, version) {
  if (!e.may_manage || e.status !== 'active') return null;
  const status = el('div', { 'aria-live': 'polite' });
  const reason = field('reason', t('sc_cancel_reason') + ' *', { tag: 'textarea', maxlength: '500', id: 'sc-cancel-reason' });
  const cancel = el('button', { type: 'button', id: 'sc-cancel', text: t('sc_cancel'), onclick: async () => {
    const r = await api('POST', `/api/v1/schedule-events/${e.id}/cancel`, { reason: reason.querySelector('textarea').value }, { headers: { 'If-Match': `"v${version}"` } });
    if (r.status === 200) { go(`/can-bo/lich-cong-tac/${e.id}?done=cancel`, true); return; }
    status.replaceChildren(alertBox(r));
  } });
  const invite = e.invitation ? link(`/can-bo/du-thao/${e.invitation.draft_id}`, t('sc_open_invitation'), { class: 'button', id: 'sc-invitation' })
    : el('button', { type: 'button', id: 'sc-invite', text: t('sc_invite'), onclick: async () => {
      const r = await api('POST', `/api/v1/schedule-events/${e.id}/invitation`, {});
      if (r.status === 201) { go(`/can-bo/du-thao/${r.body.invitation.draft_id}`); return; }
      status.replaceChildren(alertBox(r));
    } });
  return el('section', { class: 'card', id: 'sc-keeper', 'aria-labelledby': 'sc-keeper-h' },
    el('h2', { id: 'sc-keeper-h', text: t('sc_keeper') }),
    el('p', { class: 'actions' }, link(`/can-bo/lich-cong-tac/${e.id}/sua`, t('sc_edit'), { class: 'button', id: 'sc-edit' }), invite),
    reason, el('p', { class: 'actions' }, cancel), status);
}

export async function eventPage(view, id, qs) {
  await needStrings('schedule');
  if (!officialOnly(view, null)) return;
  const r = await api('GET', `/api/v1/schedule-events/${id}`);
  const back = link('/can-bo/lich-cong-tac', t('sc_back'), { class: 'back' });
  if (r.status !== 200) { page(view, t('sc_event'), alertBox(r), back); return; }
  const e = r.body;
  const version = Number((r.headers.get('ETag') || '"v0"').replace(/[^0-9]/g, ''));
  const row = (k, ...v) => [el('dt', { text: t(k) }), el('dd', {}, ...v)];
  const done = qs.get('done');
  const head = el('section', { class: 'card doc-head', 'aria-labelledby': 'sc-title' },
    el('h2', { id: 'sc-title', class: 'doc-summary-big', text: e.title }),
    e.status === 'cancelled' ? el('p', { class: 'warning', id: 'sc-cancelled', text: t('sc_cancelled', { reason: e.cancel_reason || '' }) }) : null,
    el('dl', { class: 'head-dl' },
      ...row('sc_when', `${dowName(e.start.slice(0, 10))}, ${dmy(e.start.slice(0, 10))} · ${hm(e.start)} – ${hm(e.end)}`),
      ...row('sc_chair_label', e.chair.full_name + (e.chair.position ? ` · ${e.chair.position}` : '')),
      ...(placeOf(e) ? row('sc_place', e.room ? e.room.place : e.place || '') : []),
      ...(e.online_url ? row('sc_online', el('a', { href: e.online_url, rel: 'noopener', text: e.online_url })) : []),
      ...(e.preparing_agency ? row('sc_preparing', pick(e.preparing_agency)) : []),
      ...(e.note ? row('sc_note_label', e.note) : []),
      ...row('sc_calendar', link(`/can-bo/lich-cong-tac?co-quan=${e.agency.id}&tuan=${e.week}`, pick(e.agency)))),
    e.papers.length ? el('ul', { class: 'papers' }, ...e.papers.map((p, k) => el('li', {}, el('a', { href: `/api/v1/schedule-events/${e.id}/papers/${k}`, text: p.name })))) : null,
    (e.conflicts || []).length ? el('ul', { class: 'warning conflict', id: 'sc-conflicts' }, ...e.conflicts.map((c) => el('li', {
      text: t('sc_conflict_one', { name: c.full_name, title: c.event.title, from: hm(c.event.start), to: hm(c.event.end) }) }))) : null);
  page(view, t('sc_event'),
    done ? el('p', { class: 'notice', role: 'status', id: 'done', text: t('sc_done_' + done) }) : null,
    head, await answerForm(e, myInvitation(e)), participants(e), keeperActs(e, version), back);
  if (done) history.replaceState(null, '', location.pathname);
}

// ---- /can-bo/lich-cong-tac/moi and /{id}/sua: writing an event ----

// A <select> of options [{id, text}] with value selected.
const select = (name, options, value, attrs = {}) => el('select', { name, id: `f-${name}`, ...attrs },
  ...options.map((o) => el('option', { value: String(o.id), text: o.text, ...(String(o.id) === String(value ?? '') ? { selected: true } : {}) })));

// Checkboxes named name for options, those in chosen ticked.
const checks = (name, legend, options, chosen) => el('fieldset', { class: 'checks', id: `f-${name}` },
  el('legend', { text: legend }),
  ...options.map((o) => el('label', { class: 'choice' },
    el('input', { type: 'checkbox', name, value: String(o.id), ...(chosen.includes(o.id) ? { checked: true } : {}) }), ' ', o.text)));

async function formData(agency) {
  const [people, rooms, agencies] = await Promise.all([
    api('GET', `/api/v1/agencies/${agency}/schedule/people`),
    api('GET', `/api/v1/agencies/${agency}/rooms`),
    api('GET', '/api/v1/agencies'),
  ]);
  return {
    people: (people.body?.items || []).map((u) => ({ id: u.id, text: `${u.full_name}${u.position ? ' · ' + u.position : ''}` })),
    rooms: (rooms.body?.items || []).map((r) => ({ id: r.id, text: r.name })),
    agencies: (agencies.body?.items || []).filter((a) => a.active).map((a) => ({ id: a.id, text: pick(a) })),
  };
}

function eventFields(d, e, monday) {
  const day0 = e ? e.start.slice(0, 10) : monday;
  return [
    field('title', t('sc_f_title') + ' *', { tag: 'textarea', required: true, maxlength: '1000', value: e?.title || '' }),
    el('div', { class: 'field' }, el('label', { for: 'f-day', text: t('sc_f_day') + ' *' }),
      dateInput({ id: 'f-day', name: 'day', value: day0, placeholder: 'dd/mm/yyyy', required: true })),
    el('div', { class: 'field-row' },
      field('from', t('sc_f_from') + ' *', { type: 'time', required: true, value: e ? hm(e.start) : '08:00' }),
      field('to', t('sc_f_to') + ' *', { type: 'time', required: true, value: e ? hm(e.end) : '09:00' })),
    el('div', { class: 'field' }, el('label', { for: 'f-chair_id', text: t('sc_f_chair') + ' *' }),
      select('chair_id', [{ id: '', text: '—' }, ...d.people], e?.chair.id)),
    field('place', t('sc_f_place'), { maxlength: '500', value: e?.place || '' }),
    el('div', { class: 'field' }, el('label', { for: 'f-room_id', text: t('sc_f_room') }),
      select('room_id', [{ id: '', text: '—' }, ...d.rooms], e?.room?.id)),
    field('online_url', t('sc_f_online'), { type: 'url', maxlength: '500', value: e?.online_url || '' }),
    checks('participant_ids', t('sc_f_people'), d.people, (e?.participants || []).filter((p) => p.user).map((p) => p.user.id)),
    checks('participant_agency_ids', t('sc_f_agencies'), d.agencies, (e?.participants || []).filter((p) => p.agency).map((p) => p.agency.id)),
    el('div', { class: 'field' }, el('label', { for: 'f-preparing_agency_id', text: t('sc_f_preparing') }),
      select('preparing_agency_id', [{ id: '', text: '—' }, ...d.agencies], e?.preparing_agency?.id)),
    field('note', t('sc_f_note'), { tag: 'textarea', maxlength: '2000', value: e?.note || '' }),
    field('papers', t('sc_f_papers'), { type: 'file', multiple: true, accept: 'application/pdf', hint: t('sc_f_papers_hint') }),
  ];
}

// The body of POST/PUT from the form.
function eventBody(form, agency, e) {
  const f = form.elements;
  const dayIso = isoDay(f.day.value);
  const at = (x) => (dayIso && /^\d{2}:\d{2}$/.test(x) ? `${dayIso}T${x}:00+07:00` : null);
  const ids = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((c) => Number(c.value));
  const num = (v) => (v ? Number(v) : null);
  return {
    agency_id: agency, title: f.title.value, start: at(f.from.value), end: at(f.to.value),
    chair_id: num(f.chair_id.value), place: f.place.value || null, room_id: num(f.room_id.value),
    online_url: f.online_url.value || null, participant_ids: ids('participant_ids'),
    participant_agency_ids: ids('participant_agency_ids'), preparing_agency_id: num(f.preparing_agency_id.value),
    note: f.note.value || null, papers: e ? [...e.papers] : [],
  };
}

export async function eventForm(view, id, qs) {
  if (id instanceof URLSearchParams) { qs = id; id = null; }
  await needStrings('schedule');
  if (!officialOnly(view, 'schedule.manage')) return;
  let e = null, version = 0;
  if (id) {
    const r = await api('GET', `/api/v1/schedule-events/${id}`);
    if (r.status !== 200) { page(view, t('sc_edit'), alertBox(r)); return; }
    e = r.body;
    version = Number((r.headers.get('ETag') || '"v0"').replace(/[^0-9]/g, ''));
  }
  const agency = e ? e.agency.id : Number(qs.get('co-quan')) || await homeCalendar();
  const monday = mondayOf(weekParam(qs));
  const d = await formData(agency);
  const status = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'card', id: 'sc-form', novalidate: true }, ...eventFields(d, e, monday),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'sc-save', text: t('sc_save') })), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    const body = eventBody(form, agency, e);
    for (const file of form.elements.papers.files) {
      const u = await upload(file);
      if (u.status !== 201) { status.replaceChildren(alertBox(u)); return; }
      body.papers.push({ sha256: u.body.sha256, name: file.name });
    }
    const r = e ? await api('PUT', `/api/v1/schedule-events/${e.id}`, body, { headers: { 'If-Match': `"v${version}"` } })
      : await api('POST', '/api/v1/schedule-events', body);
    if (r.status === 200 || r.status === 201) { go(`/can-bo/lich-cong-tac/${r.body.id}?done=${e ? 'edit' : 'create'}`, true); return; }
    const rest = r.status === 422 || r.status === 409 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  page(view, t(e ? 'sc_edit' : 'sc_add'), form, link(`/can-bo/lich-cong-tac?co-quan=${agency}&tuan=${monday}`, t('sc_back'), { class: 'back' }));
}

// ---- /can-bo/lich-cua-toi: an official's own events and feed ----

export async function mine(view, qs) {
  await needStrings('schedule');
  if (!officialOnly(view, 'schedule.read')) return;
  const monday = mondayOf(weekParam(qs));
  const who = /^\d{1,18}$/.test(qs.get('nguoi') || '') && Number(qs.get('nguoi')) !== state.me.id ? qs.get('nguoi') : null;
  const r = await api('GET', `/api/v1/${who ? `users/${who}` : 'my'}/schedule?from=${monday}&to=${addDays(monday, 6)}`);
  if (r.status !== 200) { page(view, t('sc_mine'), alertBox(r)); return; }
  if (who) {
    const name = r.body.full_name || '';
    page(view, t('sc_person', { name }), weekNav('/can-bo/lich-cua-toi', monday, `&nguoi=${who}`),
      days({ days: [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(monday, i)), events: r.body.events }, (e) => `/can-bo/lich-cong-tac/${e.id}`));
    return;
  }
  const week = { days: [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(monday, i)), events: r.body.events };
  const out = el('div', { 'aria-live': 'polite', id: 'sc-feed-out' });
  const feed = el('button', { type: 'button', id: 'sc-feed', text: t('sc_feed_new'), onclick: async () => {
    const f = await api('POST', '/api/v1/my/schedule-feed', {});
    if (f.status !== 201) { out.replaceChildren(alertBox(f)); return; }
    const url = new URL(f.body.url, location.origin).href;
    out.replaceChildren(el('p', { class: 'hint', text: t('sc_feed_hint') }),
      el('label', { for: 'sc-feed-url', class: 'sr-only', text: t('sc_feed_url') }),
      el('input', { id: 'sc-feed-url', readonly: true, value: url, class: 'wide' }));
  } });
  page(view, t('sc_mine'),
    el('p', { class: 'week-title', id: 'sc-week', text: t('sc_week_of', { from: dmy(week.days[0]), to: dmy(week.days[6]) }) }),
    weekNav('/can-bo/lich-cua-toi', monday),
    el('p', { class: 'actions' }, link('/can-bo/lich-cong-tac', t('sc_title'), { class: 'button' }), feed), out,
    days(week, (e) => `/can-bo/lich-cong-tac/${e.id}`));
}
