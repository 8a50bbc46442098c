// pages/directives.js - directive tracking (theo dõi chỉ đạo điều hành),
// made for a phone first: the list of directives by state with the share
// of tasks done on time per agency (the leader's page); a directive's page
// with its tasks, where the task's agency reports progress, finishes it or
// asks for an extension and the leader approves or refuses it; and the
// agency's page, its tasks by state.
import { needStrings, t, el, api, go, link, page, day, when, pct, pick, state, alertBox, showFieldErrors, clearFieldErrors, field, dateInput, isoDay, todayVN } from '../lib.js';
import { officialOnly } from './office.js';

const STATES = ['open', 'overdue', 'extension', 'done'];
const TASK_STATES = ['open', 'overdue', 'done_on_time', 'done_late'];

const badge = (s) => el('span', { class: `badge dst-${s}`, text: t('dr_state_' + s) });

// ---- /can-bo/chi-dao: the directives the caller sees ----

export async function list(view, qs) {
  await needStrings('directives');
  if (!officialOnly(view, 'directive.read')) return;
  const which = STATES.includes(qs.get('state')) ? qs.get('state') : 'open';
  // a leader reads their own directives first; everyone may see all they reach
  const leader = (state.me.roles || []).includes('leader');
  const mine = leader && qs.get('mine') !== '0';
  const before = /^\d{1,18}$/.test(qs.get('before') || '') ? `&before=${qs.get('before')}` : '';
  const agency = /^\d{1,18}$/.test(qs.get('agency_id') || '') ? qs.get('agency_id') : '';
  const here = (s, m, b = '', a = agency) => `/can-bo/chi-dao?state=${s}${leader ? `&mine=${m ? 1 : 0}` : ''}${a ? `&agency_id=${a}` : ''}${b}`;
  const tabs = el('ul', { class: 'tabs', id: 'dr-tabs' },
    ...STATES.map((s) => el('li', {}, link(here(s, mine), t('dr_tab_' + s), s === which ? { 'aria-current': 'page' } : {}))));
  const year = todayVN().slice(0, 4);
  const [r, share, choices] = await Promise.all([
    api('GET', `/api/v1/directives?state=${which}${mine ? `&leader_id=${state.me.id}` : ''}${agency ? `&agency_id=${agency}` : ''}${before}`),
    api('GET', `/api/v1/directives/on-time?from=${year}-01-01&to=${year}-12-31`),
    api('GET', '/api/v1/directives/choices'),
  ]);
  // by agency: those of the bodies whose directives the caller keeps
  const agencies = choices.status === 200 ? choices.body.agencies : [];
  const filter = agencies.length ? el('div', { class: 'field' },
    el('label', { for: 'dr-agency', text: t('dr_by_agency') }),
    el('select', { id: 'dr-agency', onchange: (e) => go(here(which, mine, '', e.target.value)) },
      el('option', { value: '', text: t('dr_all_agencies') }),
      ...agencies.map((a) => el('option', { value: String(a.id), text: pick(a), ...(String(a.id) === agency ? { selected: true } : {}) })))) : null;
  const body = r.status !== 200 ? alertBox(r)
    : !r.body.items.length ? el('p', { class: 'hint', id: 'dr-none', text: t('dr_none') })
      : el('ul', { class: 'doc-cards', id: 'dr-list' }, ...r.body.items.map(card));
  const more = r.status === 200 && r.body.next_before ? link(here(which, mine, `&before=${r.body.next_before}`), t('dr_more'), { id: 'dr-more' }) : null;
  page(view, t('dr_title'), el('p', { class: 'hint', text: t('dr_intro') }),
    el('p', { class: 'actions' }, link('/can-bo/chi-dao/nhiem-vu', t('dr_my_tasks'), { class: 'button', id: 'dr-mine' }),
      ' ', link('/can-bo/chi-dao/moi', t('dr_new'), { class: 'button', id: 'dr-new' })),
    leader ? el('p', {}, link(here(which, !mine), t(mine ? 'dr_show_all' : 'dr_show_mine'), { id: 'dr-toggle' })) : null,
    filter, tabs, body, more, onTime(share, year));
}

function card(d) {
  const n = d.tasks;
  return el('li', { class: 'doc-card' },
    el('div', { class: 'doc-card-head' },
      n.overdue ? badge('overdue') : n.open ? badge('open') : badge('done'),
      el('span', { class: 'task-kind', text: t('dr_source_' + d.source_kind) })),
    el('p', { class: 'doc-summary' }, link(`/can-bo/chi-dao/${d.id}`, d.content, { class: 'doc-card-link' })),
    el('p', { class: 'doc-meta' }, [d.leader.full_name, day(d.given_on + 'T00:00:00+07:00')].join(' · ')),
    el('p', { class: 'doc-meta' }, t('dr_counts', { total: n.total, open: n.open, overdue: n.overdue, on_time: n.done_on_time, late: n.done_late })));
}

// The share of tasks done on time per agency this year.
function onTime(r, year) {
  const box = el('section', { class: 'card', id: 'dr-on-time', 'aria-labelledby': 'dr-ot-h' },
    el('h2', { id: 'dr-ot-h', text: t('dr_on_time_title', { year }) }),
    el('p', { class: 'hint', text: t('dr_on_time_hint') }));
  if (r.status !== 200) { box.append(alertBox(r)); return box; }
  if (!r.body.items.length) { box.append(el('p', { class: 'hint', text: t('dr_on_time_none') })); return box; }
  box.append(el('p', { id: 'dr-ot-total' }, el('strong', { text: t('dr_on_time_total', { share: pct(r.body.total.share == null ? null : r.body.total.share * 100) }) })),
    el('table', { class: 'stack' },
      el('thead', {}, el('tr', {}, ...['dr_agency', 'dr_on_time', 'dr_late', 'dr_overdue', 'dr_share'].map((k) => el('th', { scope: 'col', text: t(k) })))),
      el('tbody', {}, ...r.body.items.map((a) => el('tr', {},
        el('th', { scope: 'row', 'data-label': t('dr_agency'), text: pick(a.agency) }),
        el('td', { 'data-label': t('dr_on_time'), text: String(a.on_time) }),
        el('td', { 'data-label': t('dr_late'), text: String(a.late) }),
        el('td', { 'data-label': t('dr_overdue'), text: String(a.overdue) }),
        el('td', { 'data-label': t('dr_share'), text: pct(a.share == null ? null : a.share * 100) }))))));
  return box;
}

// ---- /can-bo/chi-dao/nhiem-vu: the tasks of the caller's agency ----

export async function tasks(view, qs) {
  await needStrings('directives');
  if (!officialOnly(view, 'directive.read')) return;
  const which = TASK_STATES.includes(qs.get('state')) ? qs.get('state') : 'open';
  const agency = state.me.agency ? state.me.agency.id : 0;
  const tabs = el('ul', { class: 'tabs', id: 'dt-tabs' },
    ...TASK_STATES.map((s) => el('li', {}, link(`/can-bo/chi-dao/nhiem-vu?state=${s}`, t('dr_task_tab_' + s), s === which ? { 'aria-current': 'page' } : {}))));
  const r = await api('GET', `/api/v1/directive-tasks?state=${which}&agency_id=${agency}`);
  const body = r.status !== 200 ? alertBox(r)
    : !r.body.items.length ? el('p', { class: 'hint', id: 'dt-none', text: t('dr_tasks_none') })
      : el('ul', { class: 'doc-cards', id: 'dt-list' }, ...r.body.items.map((k) => el('li', { class: 'doc-card' },
        el('div', { class: 'doc-card-head' }, badge(k.state)),
        el('p', { class: 'doc-summary' }, link(`/can-bo/chi-dao/${k.directive_id}#task-${k.id}`, k.content || k.directive.content, { class: 'doc-card-link' })),
        el('p', { class: 'doc-meta' }, [k.directive.leader.full_name, t('dr_deadline_is', { day: dayOf(k.deadline) })].join(' · ')))));
  page(view, t('dr_tasks_title'), el('p', { class: 'hint', text: t('dr_tasks_intro') }), tabs, body,
    link('/can-bo/chi-dao', t('dr_back'), { class: 'back' }));
}

const dayOf = (d) => (d ? d.split('-').reverse().join('/') : '—');

// ---- /can-bo/chi-dao/{id}: one directive ----

export async function directive(view, id) {
  await needStrings('directives');
  if (!officialOnly(view, 'directive.read')) return;
  const back = link('/can-bo/chi-dao', t('dr_back'), { class: 'back' });
  if (!/^\d{1,18}$/.test(id)) { page(view, t('dr_title'), el('p', { class: 'error', role: 'alert', text: t('dr_not_found') }), back); return; }
  const r = await api('GET', `/api/v1/directives/${id}`);
  if (r.status !== 200) { page(view, t('dr_title'), alertBox(r), back); return; }
  const d = r.body;
  const done = new URLSearchParams(location.search).get('done');
  const row = (k, v) => [el('dt', { text: t(k) }), el('dd', { text: v })];
  const head = el('section', { class: 'card doc-head', 'aria-labelledby': 'dr-content' },
    el('h2', { id: 'dr-content', class: 'doc-summary-big', text: d.content }),
    el('dl', { class: 'head-dl' },
      ...row('dr_leader', d.leader.full_name),
      ...row('dr_body', pick(d.body)),
      ...row('dr_source', t('dr_source_' + d.source_kind)),
      ...row('dr_given_on', dayOf(d.given_on)),
      ...row('dr_recorded_by', `${d.created_by.full_name} · ${when(d.created_at)}`)),
    d.document_id ? el('p', {}, link(`/can-bo/van-ban/${d.document_id}`, t('dr_open_document'), { id: 'dr-doc' })) : null);
  page(view, t('dr_directive_title'),
    done ? el('p', { class: 'notice', role: 'status', id: 'done', text: t('dr_done_' + done) }) : null,
    head,
    el('section', { 'aria-labelledby': 'dr-tasks-h' }, el('h2', { id: 'dr-tasks-h', text: t('dr_tasks') }),
      el('ul', { class: 'doc-cards', id: 'dr-tasks' }, ...d.tasks.map((k) => taskCard(d, k)))),
    trail(d.events), back);
  if (done) history.replaceState(null, '', location.pathname + location.hash);
}

function taskCard(d, k) {
  const meta = [t('dr_deadline_is', { day: dayOf(k.deadline) })];
  if (k.original_deadline !== k.deadline) meta.push(t('dr_original_is', { day: dayOf(k.original_deadline) }));
  if (k.percent != null) meta.push(t('dr_percent_is', { n: k.percent }));
  return el('li', { class: 'doc-card task-card', id: `task-${k.id}` },
    el('div', { class: 'doc-card-head' }, badge(k.state)),
    el('h3', { class: 'doc-summary', text: pick(k.agency) }),
    k.content ? el('p', { text: k.content }) : null,
    el('p', { class: 'doc-meta' }, meta.join(' · ')),
    k.result_text ? el('p', { class: 'doc-meta', text: t('dr_result_is', { text: k.result_text }) }) : null,
    k.extension ? el('p', { class: 'warning', id: `ext-${k.id}`, text: t('dr_extension_is', { day: dayOf(k.extension.new_deadline), reason: k.extension.reason }) }) : null,
    ...actions(k));
}

// The forms of what the caller may do on a task, each folded.
function actions(k) {
  const can = k.actions || [];
  const text = (name, key, req) => field(name, t(key) + (req ? ' *' : ''), { tag: 'textarea', id: `${name}-${k.id}`, maxlength: '2000', required: !!req });
  const out = [];
  const fold = (action, fields, cls) => el('details', { class: 'act' }, el('summary', { text: t('dr_act_' + action) }), actForm(k, action, fields, cls));
  if (can.includes('report')) {
    out.push(fold('report', [text('text', 'dr_report_text', 1),
      field('percent', t('dr_percent'), { id: `percent-${k.id}`, type: 'number', min: '0', max: '100', inputmode: 'numeric' })], 'primary'));
  }
  if (can.includes('finish')) out.push(fold('finish', [text('result_text', 'dr_result_text', 1)], 'primary'));
  if (can.includes('extend')) {
    const date = dateInput({ id: `new_deadline-${k.id}`, name: 'new_deadline', required: true });
    out.push(fold('extend', [el('div', { class: 'field' }, el('label', { for: `new_deadline-${k.id}`, text: t('dr_new_deadline') + ' *' }), date),
      text('reason', 'dr_reason', 1)], 'primary'));
  }
  if (can.includes('approve')) out.push(fold('approve', [text('reason', 'dr_note', 0)], 'primary'));
  if (can.includes('refuse')) out.push(fold('refuse', [text('reason', 'dr_reason', 1)], 'danger'));
  return out;
}

// A form posting one action with the task's version (If-Match), then the
// directive's page again with what was done said at the top.
function actForm(k, action, fields, cls) {
  const status = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'act-form', id: `df-${action}-${k.id}`, novalidate: true }, ...fields,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: cls, id: `db-${action}-${k.id}`, text: t('dr_act_' + action) })),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const body = {};
    for (const f of form.elements) {
      if (!f.name || f.value === '') continue;
      body[f.name] = f.name === 'percent' ? Number(f.value) : f.name === 'new_deadline' ? (isoDay(f.value) || f.value) : f.value;
    }
    const btn = form.querySelector('button[type="submit"]');
    btn.disabled = true;
    const r = await api('POST', `/api/v1/directive-tasks/${k.id}/actions/${action}`, body, { headers: { 'If-Match': `"v${k.version}"` } });
    btn.disabled = false;
    if (r.status === 200) { go(`/can-bo/chi-dao/${k.directive_id}?done=${action}#task-${k.id}`, true); return; }
    const rest = r.status === 422 ? showFieldErrors(form, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return form;
}

function trail(events) {
  return el('section', { class: 'card', 'aria-labelledby': 'dr-trail-h' },
    el('h2', { id: 'dr-trail-h', text: t('dr_trail') }),
    el('ol', { class: 'trail', id: 'dr-trail' }, ...(events || []).map((e) => el('li', {},
      el('strong', { text: t('dr_event_' + e.action) }), ` · ${e.actor.full_name} · ${when(e.at)}`))));
}

// ---- /can-bo/chi-dao/moi: recording a directive ----

export async function create(view) {
  await needStrings('directives');
  if (!officialOnly(view, 'directive.read')) return;
  const back = link('/can-bo/chi-dao', t('dr_back'), { class: 'back' });
  const r = await api('GET', '/api/v1/directives/choices');
  if (r.status !== 200) { page(view, t('dr_new_title'), alertBox(r), back); return; }
  const { leaders, agencies } = r.body;
  if (!leaders.length) { page(view, t('dr_new_title'), el('p', { class: 'warning', role: 'alert', id: 'dr-no-leader', text: t('dr_no_leader') }), back); return; }
  const opt = (v, text) => el('option', { value: String(v), text });
  const leaderSel = el('select', { id: 'f-leader_id', name: 'leader_id', required: true },
    ...leaders.map((l) => opt(l.id, [l.full_name, pick(l, 'position')].filter(Boolean).join(' · '))));
  const source = el('select', { id: 'f-source_kind', name: 'source_kind', required: true },
    ...['meeting', 'notice', 'document'].map((k) => opt(k, t('dr_source_' + k))));
  const rows = el('ol', { class: 'plain', id: 'dr-task-rows' });
  const agencyOptions = () => {
    const body = (leaders.find((l) => String(l.id) === leaderSel.value) || leaders[0]).body_id;
    return agencies.filter((a) => a.body_id === body).map((a) => opt(a.id, pick(a)));
  };
  const addRow = () => {
    const i = rows.children.length;
    rows.append(el('li', { class: 'card task-row' },
      el('div', { class: 'field' }, el('label', { for: `f-task-${i}-agency`, text: t('dr_task_agency', { n: i + 1 }) + ' *' }),
        el('select', { id: `f-task-${i}-agency`, name: `tasks[${i}].agency_id`, required: true }, ...agencyOptions())),
      el('div', { class: 'field' }, el('label', { for: `f-task-${i}-deadline`, text: t('dr_task_deadline') + ' *' }),
        dateInput({ id: `f-task-${i}-deadline`, name: `tasks[${i}].deadline`, required: true })),
      field(`tasks[${i}].content`, t('dr_task_content'), { tag: 'textarea', id: `f-task-${i}-content`, maxlength: '2000' })));
  };
  leaderSel.addEventListener('change', () => {
    for (const s of rows.querySelectorAll('select')) s.replaceChildren(...agencyOptions());
  });
  addRow();
  const status = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'act-form', id: 'dr-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'f-leader_id', text: t('dr_leader') + ' *' }), leaderSel),
    el('div', { class: 'field' }, el('label', { for: 'f-source_kind', text: t('dr_source') + ' *' }), source),
    field('document_id', t('dr_document_id'), { type: 'number', min: '1', inputmode: 'numeric', hint: t('dr_document_id_hint') }),
    field('content', t('dr_content') + ' *', { tag: 'textarea', required: true, maxlength: '4000' }),
    el('div', { class: 'field' }, el('label', { for: 'f-given_on', text: t('dr_given_on_input') }), dateInput({ id: 'f-given_on', name: 'given_on', value: todayVN() })),
    el('fieldset', { id: 'tasks', 'data-field': 'tasks' }, el('legend', { text: t('dr_tasks') }), rows,
      el('button', { type: 'button', id: 'dr-add-task', text: t('dr_add_task'), onclick: addRow })),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'dr-submit', text: t('dr_record') })),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    status.replaceChildren();
    const body = { tasks: [] };
    for (const f of form.elements) {
      if (!f.name || f.value === '') continue;
      const m = /^tasks\[(\d+)\]\.(\w+)$/.exec(f.name);
      const v = /deadline|given_on/.test(f.name) ? (isoDay(f.value) || f.value) : /_id$/.test(f.name) ? Number(f.value) : f.value;
      if (m) (body.tasks[Number(m[1])] ||= {})[m[2]] = v;
      else body[f.name] = v;
    }
    const btn = form.querySelector('button[type="submit"]');
    btn.disabled = true;
    const res = await api('POST', '/api/v1/directives', body);
    btn.disabled = false;
    if (res.status === 201) { go(`/can-bo/chi-dao/${res.body.id}?done=create`, true); return; }
    const rest = res.status === 422 ? showFieldErrors(form, res) : [];
    status.replaceChildren(alertBox(res), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  page(view, t('dr_new_title'), el('p', { class: 'hint', text: t('dr_new_intro') }), form, back);
}
