// pages/stats.js - statistics for officials with stats.read: dossiers
// received and resolved (early, on time, late) and the on-time rate over a
// period, for an agency and everything under it, by agency or by procedure,
// as figures, charts and a table, with the same figures as a spreadsheet.
// What is shown lives in the address (?from=&to=&agency=&group=), so a
// reload or a shared link shows the same thing.
import { state, t, el, api, page, pick, num, pct, todayVN, can, link, showFieldErrors, clearFieldErrors, alertBox, dateInput, isoDay } from '../lib.js';
import { barChart, stackedBars } from '../chart.js';

const GROUPS = ['agency', 'procedure'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

// 'YYYY-MM-DD' -> 'dd/mm/yyyy'
export const dmy = (d) => (d ? `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}` : '—');

// The periods of the quick picks, ending today (nothing later is counted yet).
function periods() {
  const today = todayVN();
  const y = today.slice(0, 4), m = Number(today.slice(5, 7));
  const q = String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0');
  return {
    month: [`${today.slice(0, 8)}01`, today],
    quarter: [`${y}-${q}-01`, today],
    year: [`${y}-01-01`, today],
  };
}

// A rate 0..1 as "97,5 %" (or "—" when nothing was resolved).
export const rate = (r) => (r == null ? '—' : pct(r * 100));

// The refusal shown to someone who may not see statistics (or nobody
// signed in: then a way to sign in and come back).
export function refusal(view, title, back) {
  if (!state.me) {
    page(view, title, el('p', { class: 'warning', role: 'alert' }, t('login_required'), ' ',
      link(`/dang-nhap?next=${encodeURIComponent(back)}`, t('nav_login'))));
    return;
  }
  page(view, title, el('p', { class: 'warning', role: 'alert', id: 'sx-refused', text: t('sx_refused') }),
    link(state.me.kind === 'official' ? '/can-bo' : '/', t('sx_back'), { class: 'back' }));
}

// The agencies of the caller's subtree, depth first, each with its depth.
export function subtree(all, rootId) {
  const kids = new Map();
  for (const a of all) {
    const k = a.parent_id ?? 0;
    if (!kids.has(k)) kids.set(k, []);
    kids.get(k).push(a);
  }
  const out = [];
  const walk = (a, depth) => {
    out.push({ ...a, depth });
    for (const c of kids.get(a.id) || []) walk(c, depth + 1);
  };
  const root = all.find((a) => a.id === rootId);
  if (root) walk(root, 0);
  return out;
}

export async function stats(view, qs) {
  const title = t('sx_title');
  if (!state.me || !can('stats.read')) { refusal(view, title, '/thong-ke' + location.search); return; }

  const pick0 = periods().month;
  const me = state.me.agency || {};
  const q = {
    from: DATE.test(qs.get('from') || '') ? qs.get('from') : pick0[0],
    to: DATE.test(qs.get('to') || '') ? qs.get('to') : pick0[1],
    agency: /^\d+$/.test(qs.get('agency') || '') ? Number(qs.get('agency')) : me.id,
    group: GROUPS.includes(qs.get('group')) ? qs.get('group') : 'agency',
  };

  page(view, title, el('p', { text: t('loading') }));
  const [ag, pr] = await Promise.all([api('GET', '/api/v1/agencies'), api('GET', '/api/v1/procedures?limit=100')]);
  if (ag.status !== 200) { page(view, title, alertBox(ag)); return; }
  const agencies = subtree(ag.body.items, me.id);
  const byAgency = new Map(ag.body.items.map((a) => [String(a.id), a]));
  const byProc = new Map(pr.status === 200 ? pr.body.items.map((p) => [p.code, p]) : []);

  // ---- the form ----
  // typed as dd/mm/yyyy whatever the browser's language; yyyy-mm-dd in the address
  const dateAttrs = { required: true, placeholder: t('sx_date_placeholder'), 'aria-describedby': 'sx-dates-hint' };
  const from = dateInput({ id: 'sx-from', name: 'from', value: q.from, ...dateAttrs });
  const to = dateInput({ id: 'sx-to', name: 'to', value: q.to, ...dateAttrs });
  const agencySel = el('select', { id: 'sx-agency', name: 'agency_id' },
    ...agencies.map((a) => el('option', { value: String(a.id), selected: a.id === q.agency, text: '\u00a0\u00a0'.repeat(a.depth) + pick(a) })));
  const radios = GROUPS.map((g) => el('label', { class: 'check', for: `sx-g-${g}` },
    el('input', { type: 'radio', name: 'group', id: `sx-g-${g}`, value: g, checked: g === q.group }), t(`sx_by_${g}`)));
  const quick = Object.keys(periods()).map((k) => el('button', {
    type: 'button', class: 'sx-quick', 'data-pick': k, 'aria-pressed': 'false', text: t(`sx_pick_${k}`),
    onclick: () => { [from.value, to.value] = periods()[k].map(dmy); form.requestSubmit(); },
  }));
  const form = el('form', { class: 'card sx-form', novalidate: true, 'aria-labelledby': 'sx-form-h' },
    el('h2', { id: 'sx-form-h', class: 'sr-only', text: t('sx_form') }),
    el('fieldset', {},
      el('legend', { text: t('sx_period') }),
      el('div', { class: 'sx-quicks', role: 'group', 'aria-label': t('sx_quick') }, ...quick),
      el('p', { class: 'hint', id: 'sx-dates-hint', text: t('sx_date_hint') }),
      el('div', { class: 'sx-dates' },
        el('div', { class: 'field' }, el('label', { for: 'sx-from', text: t('sx_from') }), from),
        el('div', { class: 'field' }, el('label', { for: 'sx-to', text: t('sx_to') }), to))),
    el('div', { class: 'sx-row2' },
      el('div', { class: 'field' }, el('label', { for: 'sx-agency', text: t('sx_agency') }), agencySel),
      el('fieldset', { class: 'sx-group' }, el('legend', { text: t('sx_group') }), ...radios)),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: t('sx_show') })));

  const status = el('p', { id: 'sx-status', class: 'sr-only', role: 'status' });
  const results = el('div', { id: 'sx-results' });
  page(view, title, form, status, results);

  const markPicks = () => {
    const p = periods();
    for (const b of quick) b.setAttribute('aria-pressed', String(p[b.dataset.pick][0] === q.from && p[b.dataset.pick][1] === q.to));
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const errors = [];
    const day = {};
    for (const [k, input] of [['from', from], ['to', to]]) {
      day[k] = isoDay(input.value);
      if (!day[k]) errors.push({ field: k, message: t(input.value.trim() ? 'sx_date_bad' : 'sx_date_required') });
    }
    if (day.from && day.to && day.from > day.to) errors.push({ field: 'to', message: t('sx_to_before_from') });
    if (errors.length) { showFieldErrors(form, { status: 422, body: { errors } }); return; }
    Object.assign(q, {
      from: day.from, to: day.to, agency: Number(agencySel.value),
      group: form.querySelector('input[name=group]:checked').value,
    });
    const addr = `/thong-ke?${new URLSearchParams({ from: q.from, to: q.to, agency: String(q.agency), group: q.group })}`;
    if (addr !== location.pathname + location.search) history.pushState(null, '', addr);
    load();
  });

  let seq = 0;
  async function load() {
    markPicks();
    const mine = ++seq;
    const params = new URLSearchParams({ from: q.from, to: q.to, agency_id: String(q.agency), group: q.group });
    results.setAttribute('aria-busy', 'true');
    const res = await api('GET', `/api/v1/stats?${params}`);
    if (mine !== seq) return; // an older answer arriving late
    results.removeAttribute('aria-busy');
    if (res.status !== 200) {
      const rest = res.status === 422 ? showFieldErrors(form, res) : [];
      results.replaceChildren(alertBox(res), ...rest.map((m) => el('p', { class: 'error', text: m })));
      return;
    }
    const agency = byAgency.get(String(q.agency)) || me;
    const name = (key) => (q.group === 'agency' ? pick(byAgency.get(key)) || key : pick(byProc.get(key)) || key);
    render(res.body, params, pick(agency), name);
  }

  function render(s, params, agencyName, name) {
    const tot = s.total;
    const head = el('h2', { id: 'sx-res-h', text: t('sx_results', { agency: agencyName, from: dmy(s.from || q.from), to: dmy(s.to || q.to) }) });
    const kpi = (key, value, sub, cls) => el('div', { class: `kpi ${cls || ''}`, 'data-kpi': key },
      el('span', { class: 'v', text: value }), el('span', { class: 'k', text: t(`sx_k_${key}`) }),
      sub ? el('span', { class: 'sub', text: sub }) : null);
    const kpis = el('div', { class: 'kpis', id: 'sx-kpis' },
      kpi('received', num(tot.received), t('sx_k_channels', { online: num(tot.received_online), counter: num(tot.received_counter) })),
      kpi('resolved', num(tot.resolved)),
      kpi('early', num(tot.resolved_early), null, 'sx-early'),
      kpi('on_time', num(tot.resolved_on_time), null, 'sx-on_time'),
      kpi('late', num(tot.resolved_late), null, tot.resolved_late ? 'sx-late' : ''),
      kpi('rate', rate(tot.on_time_rate)));
    const now = s.in_progress ? el('p', { class: 'hint', id: 'sx-now' },
      t('sx_in_progress', { within: num(s.in_progress.within_deadline), past: num(s.in_progress.past_deadline) })) : null;
    // the periodic report as provinces send it (carried over, in progress
    // within / past time, withdrawn, stopped, refused), per agency or procedure
    const rp = new URLSearchParams(params);
    if (rp.get('group') === 'field' || !rp.get('group')) rp.set('group', 'agency');
    const xlsx = el('p', { class: 'actions' },
      el('a', { href: `/api/v1/stats.xlsx?${params}`, class: 'button', id: 'sx-xlsx', download: '', text: t('sx_xlsx') }),
      el('a', { href: `/api/v1/reports/periodic.pdf?${rp}`, class: 'button', id: 'sx-report-pdf', target: '_blank', rel: 'noopener', text: t('sx_report_pdf') }),
      el('a', { href: `/api/v1/reports/periodic.xlsx?${rp}`, class: 'button', id: 'sx-report-xlsx', download: '', text: t('sx_report_xlsx') }));

    const items = s.items.map((it) => ({ ...it, label: name(it[q.group]) }))
      .sort((a, b) => b.received - a.received || b.resolved - a.resolved || a.label.localeCompare(b.label, 'vi'));
    status.textContent = t('sx_status', { received: num(tot.received), resolved: num(tot.resolved), rate: rate(tot.on_time_rate) });
    if (!items.length) {
      results.replaceChildren(head, kpis, now, el('p', { class: 'notice', id: 'sx-empty', text: t('sx_empty') }), xlsx);
      return;
    }
    const byWhat = t(`sx_by_${q.group}`).toLowerCase();
    const resolved = items.filter((it) => it.resolved > 0);
    const charts = el('div', { class: 'grid2 sx-charts' });
    if (resolved.length) {
      const ranked = [...resolved].sort((a, b) => b.on_time_rate - a.on_time_rate || a.label.localeCompare(b.label, 'vi'));
      charts.append(
        el('section', { class: 'card', 'aria-labelledby': 'sx-c1-h' },
          el('h3', { id: 'sx-c1-h', text: t('sx_chart_rate', { by: byWhat }) }),
          barChart({
            caption: false,
            title: t('sx_chart_rate', { by: byWhat }), desc: t('sx_chart_rate_desc'), table: false, tone: 'ok', max: 1,
            rows: ranked.map((it) => ({ label: it.label, value: it.on_time_rate, text: rate(it.on_time_rate) })),
          })),
        el('section', { class: 'card', 'aria-labelledby': 'sx-c2-h' },
          el('h3', { id: 'sx-c2-h', text: t('sx_chart_mix', { by: byWhat }) }),
          stackedBars({
            caption: false,
            title: t('sx_chart_mix', { by: byWhat }), desc: t('sx_chart_mix_desc'), table: false,
            parts: ['early', 'on_time', 'late'].map((k) => ({ key: k, name: t(k) })),
            rows: [...resolved].sort((a, b) => b.resolved - a.resolved).map((it) => ({
              label: it.label, values: { early: it.resolved_early, on_time: it.resolved_on_time, late: it.resolved_late },
            })),
          })));
    } else {
      charts.append(el('p', { class: 'notice', text: t('sx_none_resolved') }));
    }
    results.replaceChildren(head, kpis, now, xlsx, charts, table(items, tot));
  }

  function table(items, tot) {
    const cols = [
      ['received', (r) => num(r.received)], ['resolved', (r) => num(r.resolved)],
      ['early', (r) => num(r.resolved_early)], ['on_time', (r) => num(r.resolved_on_time)],
      ['late', (r) => num(r.resolved_late)], ['rate', (r) => rate(r.on_time_rate)],
    ];
    const first = t(`sx_by_${q.group}`);
    const row = (r, label) => el('tr', {},
      el('th', { scope: 'row', 'data-label': first, text: label }),
      ...cols.map(([k, f]) => el('td', { class: 'num', 'data-label': t(`sx_k_${k}`), text: f(r) })));
    const foot = el('tr', {}, el('th', { scope: 'row', 'data-label': '', text: t('sx_total') }),
      ...cols.map(([k, f]) => el('td', { class: 'num', 'data-label': t(`sx_k_${k}`), text: f(tot) })));
    return el('section', { class: 'card', 'aria-labelledby': 'sx-table-h' },
      el('h3', { id: 'sx-table-h', text: t('sx_table', { by: t(`sx_by_${q.group}`).toLowerCase() }) }),
      el('table', { class: 'stack sx-table', id: 'sx-table' },
        el('caption', { class: 'sr-only', text: t('sx_table', { by: first.toLowerCase() }) }),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: first }),
          ...cols.map(([k]) => el('th', { scope: 'col', class: 'num', text: t(`sx_k_${k}`) })))),
        el('tbody', {}, ...items.map((r) => row(r, r.label))),
        el('tfoot', {}, foot)));
  }

  await load();
}
