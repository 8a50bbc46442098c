// pages/dashboard.js - the leader's dashboard, made for a phone first:
// today's received and resolved dossiers, the dossiers past their deadline
// now, the on-time rate, and the agencies with the most overdue dossiers
// (GET /api/v1/dashboard over the leader's agency subtree).  It asks again
// by itself every 30 seconds (?refresh=N seconds, 2..600, e.g. for tests)
// while the page is visible, and says when it was last brought up to date;
// a toggle pauses that (WCAG 2.2.2: what updates by itself can be stopped).
import { state, t, el, api, page, pick, num, when, can, link, alertBox, needStrings } from '../lib.js';
import { barChart, stackedBars, columnChart } from '../chart.js';
import { refusal, rate } from './stats.js';

const DEFAULT_REFRESH = 30;

export async function dashboard(view, qs) {
  const title = t('db_title');
  if (!state.me || !can('stats.read')) { refusal(view, title, '/dieu-hanh' + location.search); return; }
  await needStrings('snapshot');

  const n = Number(qs.get('refresh'));
  const every = Number.isFinite(n) && n >= 2 && n <= 600 ? n : DEFAULT_REFRESH;
  const agency = /^\d+$/.test(qs.get('agency') || '') ? qs.get('agency') : '';

  // The figures change every half minute: only the time of the update is
  // read out (the figures region is not live), the rest is there to read.
  const updated = el('p', { id: 'db-updated', class: 'db-updated', role: 'status', 'aria-live': 'polite', text: t('loading') });
  const error = el('div', { id: 'db-error' });
  const figures = el('div', { id: 'db-figures', 'aria-live': 'off' });
  // the trends change once an hour: asked again when the hour has changed
  const trend = el('div', { id: 'db-trends', 'aria-live': 'off' });
  let trendHour = '';
  const again = el('button', { type: 'button', id: 'db-refresh', text: t('db_refresh'), onclick: () => load() });
  let paused = false;
  const pause = el('button', {
    type: 'button', id: 'db-pause', 'aria-pressed': 'false', text: t('db_pause'),
    onclick: () => { paused = !paused; pause.setAttribute('aria-pressed', String(paused)); },
  });
  page(view, title,
    el('div', { class: 'db-head' }, updated, el('div', { class: 'db-buttons' }, again, pause)),
    error, figures, trend,
    el('p', {}, link('/thong-ke', t('db_more'), { id: 'db-more' })));

  let stopped = false, busy = false;
  async function load() {
    if (busy || stopped) return;
    busy = true;
    figures.setAttribute('aria-busy', 'true'); // being brought up to date
    const q = agency ? `?agency_id=${agency}` : '';
    const [res, docs, handovers] = await Promise.all([api('GET', `/api/v1/dashboard${q}`),
      can('document.read') ? api('GET', `/api/v1/dashboard/documents${q}`) : null,
      can('dossier.read') ? api('GET', `/api/v1/linked/handovers?late=1&limit=500${agency ? `&agency_id=${agency}` : ''}`) : null]);
    busy = false;
    figures.setAttribute('aria-busy', 'false');
    if (stopped) return;
    if (res.status !== 200) { error.replaceChildren(alertBox(res)); return; }
    error.replaceChildren();
    render(res.body, docs && docs.status === 200 ? docs.body : null,
      handovers && handovers.status === 200 ? handovers.body.items.length : null);
    updated.textContent = t('db_updated', { time: when(res.body.at).slice(11) });
    updated.dataset.at = res.body.at;
    if (res.body.at.slice(0, 13) !== trendHour) {
      trendHour = res.body.at.slice(0, 13);
      trends(agency).then((section) => { if (!stopped) trend.replaceChildren(section); });
    }
  }

  function render(d, docs, lateHandovers) {
    const today = d.today, month = d.month, prog = d.in_progress;
    // a figure of lateness opens the list behind it
    const list = (late, id) => `/can-bo?${new URLSearchParams({ queue: 'all', late, ...(id || agency ? { agency: String(id || agency) } : {}) })}`;
    const kpi = (key, value, sub, cls, href) => el('div', { class: `kpi ${cls || ''}`, 'data-kpi': key },
      href ? link(href, value, { class: 'v', id: `db-${key}-link` }) : el('span', { class: 'v', text: value }),
      el('span', { class: 'k', text: t(`db_k_${key}`) }),
      sub ? el('span', { class: 'sub', text: sub }) : null);
    const kpis = el('div', { class: 'kpis db-kpis' },
      kpi('received', num(today.received), t('db_channels', { online: num(today.received_online), counter: num(today.received_counter) }), '',
        `/can-bo?${new URLSearchParams({ queue: 'all', from: d.day, to: d.day })}`),
      kpi('resolved', num(today.resolved), t('db_resolved_late', { n: num(today.resolved_late) }), '', '/can-bo?queue=return'),
      kpi('overdue', num(prog.past_deadline), t('db_of_in_progress', { n: num(prog.total) }), prog.past_deadline ? 'sx-late' : '', list('deadline')),
      kpi('reception_late', num(prog.reception_late || 0), t('db_reception_late_sub'), prog.reception_late ? 'sx-late' : '', list('reception')),
      kpi('rate', rate(today.on_time_rate), t('db_month_rate', { rate: rate(month.on_time_rate) })),
      kpi('directives', num(d.overdue_directives || 0), t('db_directives_sub'), d.overdue_directives ? 'sx-late' : '',
        `/can-bo/chi-dao?state=overdue${agency ? `&agency_id=${agency}` : ''}`),
      kpi('polls', num(d.polls_waiting || 0), t('db_polls_sub'), '', '/can-bo/lay-y-kien'),
      // linked procedures' hand-overs that missed 10 minutes / 2 working hours
      lateHandovers === null ? null
        : kpi('linked_late', lateHandovers >= 500 ? '500+' : num(lateHandovers), t('db_linked_late_sub'),
          lateHandovers ? 'sx-late' : '', '/can-bo/ho-so-lien-thong'));

    const parts = ['early', 'on_time', 'late'].map((k) => ({ key: k, name: t(k) }));
    const mix = el('section', { class: 'card', 'aria-labelledby': 'db-mix-h' },
      el('h2', { id: 'db-mix-h', text: t('db_mix') }),
      today.resolved || month.resolved
        ? stackedBars({
            caption: false,
          title: t('db_mix'), desc: t('db_mix_desc'), parts, scale: 'row', head: t('db_period'),
          rows: [[t('db_today'), today], [t('db_month'), month]].map(([label, f]) => ({
            label, values: { early: f.resolved_early, on_time: f.resolved_on_time, late: f.resolved_late },
          })),
        })
        : el('p', { text: t('db_none_resolved') }));

    const top = d.top_overdue;
    const worst = el('section', { class: 'card', 'aria-labelledby': 'db-top-h' },
      el('h2', { id: 'db-top-h', text: t('db_top') }),
      top.length
        ? barChart({
            caption: false,
          title: t('db_top'), desc: t('db_top_desc'), tone: 'bad', head: [t('db_agency'), t('db_k_overdue')],
          rows: top.map((a) => ({ label: pick(a), value: a.overdue, text: num(a.overdue) })),
        })
        : el('p', { class: 'notice', id: 'db-no-overdue', text: t('db_no_overdue') }),
      // each bar's dossiers, one link per agency
      top.length ? el('ul', { class: 'db-top-links', id: 'db-top-links' }, ...top.map((a) => el('li', {},
        link(list('deadline', a.id), t('db_open_list', { agency: pick(a), n: num(a.overdue) }))))) : null);

    figures.replaceChildren(
      el('p', { class: 'hint', text: t('db_scope', { day: when(d.at).slice(0, 10) }) }),
      kpis, el('div', { class: 'grid2 db-charts' }, mix, worst), docs ? documentFigures(docs, kpi) : null);
  }

  // The timer starts at once (not after the first answer) so that the
  // cleanup returned to the router always stops it; it also stops by itself
  // if the page was replaced without the cleanup being called.
  const timer = setInterval(() => {
    if (!figures.isConnected) { stopped = true; clearInterval(timer); return; }
    if (!document.hidden && !paused) load();
  }, every * 1000);
  load();
  return () => { stopped = true; clearInterval(timer); };
}

// The official documents' figures of the month so far (GET
// /api/v1/dashboard/documents), for a leader who reads documents.
function documentFigures(f, kpi) {
  const units = f.overdue_by_unit;
  return el('section', { class: 'card db-docs', id: 'db-docs', 'aria-labelledby': 'db-docs-h' },
    el('h2', { id: 'db-docs-h', text: t('db_doc_h') }),
    el('div', { class: 'kpis db-kpis' },
      kpi('doc_received', num(f.received)),
      kpi('doc_issued', num(f.issued)),
      kpi('doc_electronic', rate(f.electronic_share), t('db_doc_electronic_sub', { n: num(f.received_electronic) })),
      kpi('doc_handled', num(f.handled)),
      kpi('doc_overdue', num(f.overdue_directions), t('db_doc_overdue_sub'), f.overdue_directions ? 'sx-late' : '',
        '/can-bo/van-ban?state=overdue')),
    units.length
      ? barChart({
          caption: false,
          title: t('db_doc_top'), desc: t('db_doc_top_desc'), tone: 'bad', head: [t('db_agency'), t('db_k_doc_overdue')],
          rows: units.map((a) => ({ label: pick(a), value: a.overdue, text: num(a.overdue) })),
        })
      : el('p', { class: 'notice', id: 'db-doc-no-overdue', text: t('db_doc_no_overdue') }),
    el('p', {}, link('/can-bo/so-van-ban', t('db_doc_open'), { id: 'db-doc-register' })));
}

// The trends from the hourly snapshots (GET /api/v1/dashboard/series): the
// dossiers received hour by hour today and past their deadline at each
// hour, then day by day over the week: received and the on-time rate.
async function trends(agency) {
  const q = (metric, view, step) => `/api/v1/dashboard/series?${new URLSearchParams({
    metric, view, ...(step ? { step } : {}), ...(agency ? { agency_id: agency } : {}) })}`;
  const asks = [['received', 'day'], ['overdue_dossiers', 'day'], ['received', 'week', 'day'], ['on_time_rate', 'week', 'day']];
  const res = await Promise.all(asks.map(([m, v, s]) => api('GET', q(m, v, s))));
  const bad = res.find((r) => r.status !== 200);
  const section = el('section', { class: 'card db-trends', 'aria-labelledby': 'db-trends-h' },
    el('h2', { id: 'db-trends-h', text: t('sn_title') }));
  if (bad) { section.append(alertBox(bad)); return section; }
  const hourLabel = (p) => when(p.at).slice(11, 16);
  const dayLabel = (p) => p.day.slice(8, 10) + '/' + p.day.slice(5, 7);
  const chart = (id, r, key, label, fmt, tone) => el('div', { class: 'db-trend', id },
    r.body.points.length
      ? columnChart({
          title: t(`sn_${key}`), desc: t(`sn_${key}_desc`), tone, head: [t('sn_when'), t(`sn_${key}`)],
          points: r.body.points.map((p) => ({ label: label(p), value: fmt.value(p), text: fmt.text(p) })),
        })
      : el('p', { class: 'notice', text: t('sn_none') }));
  const count = (k) => ({ value: (p) => p[k], text: (p) => (p[k] == null ? '-' : num(p[k])) });
  const share = { value: (p) => (p.value == null ? null : Math.round(p.value * 1000) / 10), text: (p) => rate(p.value) };
  section.append(
    el('h3', { text: t('sn_day') }),
    el('div', { class: 'grid2' },
      chart('db-trend-received-day', res[0], 'received_hour', hourLabel, count('hour'), 'info'),
      chart('db-trend-overdue-day', res[1], 'overdue', hourLabel, count('value'), 'bad')),
    el('h3', { text: t('sn_week') }),
    el('div', { class: 'grid2' },
      chart('db-trend-received-week', res[2], 'received_day', dayLabel, count('value'), 'info'),
      chart('db-trend-rate-week', res[3], 'rate', dayLabel, share, 'ok')),
    el('p', { class: 'hint', text: t('sn_hint') }));
  return section;
}
