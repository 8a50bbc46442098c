// calendar.js - the days off of a year (/quan-tri/lich-nghi?nam=2026): the
// year in effect for everyone, and for holders of calendar.manage the form
// that records the year's official schedule (the Government's decision on
// days off and make-up Saturdays), which replaces the Labor Code rules for
// that year, or goes back to the rules.
import { state, t, el, page, api, can, go, day, dateInput, isoDay, alertBox, showFieldErrors, clearFieldErrors, field, todayVN } from '../lib.js';

const WEEKDAYS = ['cal_sun', 'cal_mon', 'cal_tue', 'cal_wed', 'cal_thu', 'cal_fri', 'cal_sat'];

// "2026-01-02" -> "Thứ Sáu, 02/01/2026"
function longDay(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return `${t(WEEKDAYS[wd])}, ${day(iso + 'T12:00:00+07:00')}`;
}

// One line per day: "02/01/2026 Name" <-> {date, name}.  A line whose date
// cannot be read keeps what was typed, so that the server names the line.
const toLines = (list) => list.map((d) => `${d.date.split('-').reverse().join('/')} ${d.name}`).join('\n');
function fromLines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [first, ...rest] = l.split(/\s+/);
    return { date: isoDay(first) || first, name: rest.join(' ') };
  });
}

// The server's errors on days_off[3].date and the like, said on the text
// box with the line number; the others next to their inputs.
function showErrors(form, res) {
  const errs = (res.body && res.body.errors) || [];
  const byList = {};
  const rest = [];
  for (const e of errs) {
    const m = /^(days_off|working_days)(?:\[(\d+)\])?/.exec(e.field);
    if (!m) { rest.push(e); continue; }
    const msg = (state.lang === 'en' ? e.message_en : e.message_vi) || e.code;
    (byList[m[1]] ||= []).push(m[2] != null ? t('cal_line', { n: Number(m[2]) + 1, msg }) : msg);
  }
  for (const [list, msgs] of Object.entries(byList))
    rest.push({ field: list, message_vi: msgs.join(' · '), message_en: msgs.join(' · ') });
  return showFieldErrors(form, { ...res, body: { ...res.body, errors: rest } });
}

function dayTable(y) {
  const rows = [
    ...y.days_off.map((d) => ({ ...d, kind: 'cal_off' })),
    ...y.working_days.map((d) => ({ ...d, kind: 'cal_work' })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  if (!rows.length) return el('p', { text: t('cal_none') });
  // in a box of its own that scrolls (by keyboard too) if a phone is too narrow
  const caption = t('cal_days_caption', { year: y.year });
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, el('table', { class: 'table', id: 'cal-days' },
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('cal_date') }), el('th', { scope: 'col', text: t('cal_name') }),
      el('th', { scope: 'col', text: t('cal_kind') }))),
    el('tbody', {}, rows.map((d) => el('tr', { 'data-date': d.date },
      el('td', { text: longDay(d.date) }), el('td', { text: d.name }), el('td', { text: t(d.kind) }))))));
}

function editor(y, reload) {
  const off = y.official || {};
  const form = el('form', { id: 'cal-form', novalidate: true },
    el('h2', { text: t('cal_edit_title', { year: y.year }) }),
    el('p', { class: 'hint', text: t('cal_edit_hint') }),
    field('decision', t('cal_decision'), { value: off.decision || '', maxlength: '300', required: true }),
    el('div', { class: 'field' }, el('label', { for: 'f-decided_on', text: t('cal_decided_on') }),
      dateInput({ id: 'f-decided_on', name: 'decided_on', value: off.decided_on || '', placeholder: t('of_date_placeholder'), required: true })),
    field('source', t('cal_source'), { value: off.source || '', maxlength: '500' }),
    field('days_off', t('cal_days_off'), { tag: 'textarea', rows: '10', spellcheck: 'false' }),
    field('working_days', t('cal_working_days'), { tag: 'textarea', rows: '3', spellcheck: 'false' }),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', class: 'primary', text: t('cal_save') }),
      y.official ? el('button', { type: 'button', id: 'cal-clear', text: t('cal_clear'), onclick: clear }) : null));
  // the text boxes start from the year in effect (the rules' days or the
  // schedule's), which the admin corrects to the decision
  form.querySelector('#f-days_off').value = toLines(y.days_off);
  form.querySelector('#f-working_days').value = toLines(y.working_days);

  // going back to the rules drops the decision: a second click confirms
  async function clear(e) {
    const b = e.currentTarget;
    if (!b.dataset.armed) {
      b.dataset.armed = '1';
      b.textContent = t('cal_clear_confirm', { year: y.year });
      return;
    }
    const res = await api('DELETE', `/api/v1/calendar/years/${y.year}`);
    if (res.status !== 200) { form.append(alertBox(res)); return; }
    reload(t('cal_cleared', { year: y.year }));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    for (const a of form.querySelectorAll('[role="alert"]')) a.remove();
    const v = (n) => form.elements[n].value.trim();
    const body = {
      decision: v('decision'),
      decided_on: isoDay(v('decided_on')) || v('decided_on'),
      source: v('source'),
      days_off: fromLines(form.elements.days_off.value),
      working_days: fromLines(form.elements.working_days.value),
    };
    // a date that is not dd/mm/yyyy is said here, with its line
    const bad = {};
    for (const list of ['days_off', 'working_days'])
      body[list].forEach((d, i) => { if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date)) (bad[list] ||= []).push(t('cal_line', { n: i + 1, msg: t('cal_bad_date') })); });
    if (!isoDay(v('decided_on'))) bad.decided_on = [t('cal_bad_date')];
    if (Object.keys(bad).length) {
      showFieldErrors(form, { status: 422, body: { errors: Object.entries(bad).map(([field, m]) => ({ field, message_vi: m.join(' · '), message_en: m.join(' · ') })) } });
      return;
    }
    const res = await api('PUT', `/api/v1/calendar/years/${y.year}`, body);
    if (res.status === 200) { reload(t('cal_saved', { year: y.year })); return; }
    if (res.status === 422) {
      const rest = showErrors(form, res);
      if (rest.length) form.append(el('p', { class: 'error', role: 'alert', text: rest.join(' · ') }));
      return;
    }
    form.append(alertBox(res));
  });
  return form;
}

export async function holidays(view, params) {
  const year = Number(params.get('nam')) || Number(todayVN().slice(0, 4));
  const res = await api('GET', `/api/v1/calendar/years/${year}`);
  const picker = el('form', { class: 'filters', id: 'cal-year' },
    field('nam', t('cal_year'), { type: 'number', min: '1900', max: '2100', value: String(year), inputmode: 'numeric' }),
    el('button', { type: 'submit', text: t('cal_show') }));
  picker.addEventListener('submit', (e) => {
    e.preventDefault();
    go(`/quan-tri/lich-nghi?nam=${encodeURIComponent(picker.elements.nam.value)}`);
  });
  if (res.status !== 200) {
    page(view, t('cal_title'), picker, alertBox(res));
    return;
  }
  const y = res.body;
  const reload = async (msg) => {
    await holidays(view, params);
    const note = el('p', { class: 'notice', role: 'status', text: msg });
    view.querySelector('h1').after(note);
    note.setAttribute('tabindex', '-1');
    note.focus();
  };
  const basis = y.official
    ? el('p', { id: 'cal-basis' }, el('strong', { text: t('cal_official') + ' ' }),
      `${y.official.decision} (${day(y.official.decided_on + 'T12:00:00+07:00')})`)
    : el('p', { id: 'cal-basis', text: t('cal_rules') });
  page(view, t('cal_title'), picker, basis, dayTable(y), can('calendar.manage') ? editor(y, reload) : null);
}
