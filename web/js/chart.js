// chart.js - small charts drawn by the page as SVG: horizontal bars (one
// figure per row, e.g. the on-time rate of each agency) and stacked bars
// (early / on time / late).  No library and no inline style (the CSP
// forbids it): geometry goes in SVG attributes, colours in classes of
// css/stats.css.  Each chart is a <figure> with a visible caption (unless a
// heading beside it names it), an SVG with role="img", an aria-label,
// <title> and <desc>, and - unless the page shows the same figures in its
// own table - a table for screen readers.
//
// Widths are percentages of the SVG's own width (no viewBox), so text keeps
// its size on a 360 px phone and on a desktop alike; a row is a label line
// above its bar, the figure at the right end.
import { el, svg, num } from './lib.js';

const ROW = 46;        // height of one row: label line + bar
const BAR = 16;        // bar thickness
const TRACK = 80;      // the bar's full length, in % of the width (the rest: the figure)
let seq = 0;

// How many characters of a label fit on one line of the chart.
function fits(width) {
  const w = width || Math.min(window.innerWidth || 1000, 1100) - 48;
  return Math.max(16, Math.floor(w / 7.6));
}

function clip(text, max) {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

function frame(id, title, desc, height, rows) {
  return svg('svg', {
    class: 'sxc', width: '100%', height: String(height), role: 'img',
    'aria-label': title, 'aria-describedby': `${id}-d`, focusable: 'false',
  },
  svg('title', { id: `${id}-t`, text: title }),
  svg('desc', { id: `${id}-d`, text: desc }),
  ...rows);
}

function label(text, y, max) {
  return svg('text', { x: '0', y: String(y + 15), class: 'sxc-label' },
    clip(text, max), text.length > max ? svg('title', { text }) : null);
}

function srTable(caption, head, rows) {
  // in a clipped box: a table is as wide as its content whatever its width
  return el('div', { class: 'sr-only' }, el('table', {},
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {},
      el('th', { scope: 'row', text: r[0] }), ...r.slice(1).map((c) => el('td', { text: c })))))));
}

/*
 * Horizontal bars.
 *   title       the caption (also the SVG's <title>)
 *   desc        one sentence for screen readers (what the bars mean)
 *   rows        [{label, value (number or null), text (the figure shown)}]
 *   max         the value of a full bar (default: the largest value)
 *   head        [label column, value column] headings of the table
 *   table       false when the page already shows these figures in a table
 *   tone        class of the bars: 'ok' (green), 'bad' (red), 'info' (blue)
 *   caption     false when a heading next to the chart already names it
 *   width       the chart's expected width in px (for label length)
 */
export function barChart({ title, desc, rows, max, head, table = true, caption = true, tone = 'ok', width }) {
  const id = `sxc${++seq}`;
  const top = max || Math.max(0, ...rows.map((r) => r.value || 0)) || 1;
  const chars = fits(width);
  const g = rows.map((r, i) => {
    const y = i * ROW;
    const w = r.value ? Math.max(0.5, Math.min(1, r.value / top) * TRACK) : 0;
    return svg('g', { class: 'sxc-row' },
      label(r.label, y, chars),
      svg('rect', { x: '0', y: String(y + 22), width: `${TRACK}%`, height: String(BAR), class: 'sxc-track' }),
      w ? svg('rect', { x: '0', y: String(y + 22), width: `${w.toFixed(2)}%`, height: String(BAR), class: `sxc-bar sxc-${tone}` }) : null,
      svg('text', { x: '100%', y: String(y + 35), 'text-anchor': 'end', class: 'sxc-value', text: r.text }));
  });
  const fig = el('figure', { class: 'sx-fig' },
    caption ? el('figcaption', { text: title }) : null,
    frame(id, title, desc, rows.length * ROW + 4, g));
  if (table && head) fig.append(srTable(title, head, rows.map((r) => [r.label, r.text])));
  return fig;
}

/*
 * Stacked bars: each row split into parts (e.g. early / on time / late).
 *   parts       [{key, name}] in order; key is also the CSS class (sxc-<key>)
 *   rows        [{label, values: {key: n}, text}]
 *   scale       'max': bars as long as their total against the largest
 *               total (compare rows); 'row': every bar full (shares)
 *   title, desc, head (first column heading), table, caption, width as barChart.
 * A legend under the chart names the colours.
 */
export function stackedBars({ title, desc, parts, rows, scale = 'max', head, table = true, caption = true, width }) {
  const id = `sxc${++seq}`;
  const total = (r) => parts.reduce((s, p) => s + (r.values[p.key] || 0), 0);
  const top = Math.max(1, ...rows.map(total));
  const chars = fits(width);
  const g = rows.map((r, i) => {
    const y = i * ROW;
    const sum = total(r);
    const full = scale === 'row' ? TRACK : (sum / top) * TRACK;
    let x = 0;
    const segs = [];
    for (const p of parts) {
      const v = r.values[p.key] || 0;
      if (!v || !sum) continue;
      const w = (v / sum) * full;
      segs.push(svg('rect', { x: `${x.toFixed(2)}%`, y: String(y + 22), width: `${w.toFixed(2)}%`, height: String(BAR), class: `sxc-bar sxc-${p.key}` },
        svg('title', { text: `${p.name}: ${num(v)}` })));
      x += w;
    }
    return svg('g', { class: 'sxc-row' },
      label(r.label, y, chars),
      svg('rect', { x: '0', y: String(y + 22), width: `${TRACK}%`, height: String(BAR), class: 'sxc-track' }),
      ...segs,
      svg('text', { x: '100%', y: String(y + 35), 'text-anchor': 'end', class: 'sxc-value', text: r.text ?? num(sum) }));
  });
  const legend = el('ul', { class: 'sx-legend', 'aria-hidden': 'true' },
    ...parts.map((p) => el('li', {}, el('span', { class: `sx-swatch sxc-${p.key}` }), p.name)));
  const fig = el('figure', { class: 'sx-fig' },
    caption ? el('figcaption', { text: title }) : null,
    frame(id, title, desc, rows.length * ROW + 4, g),
    legend);
  if (table) {
    fig.append(srTable(title, [head || '', ...parts.map((p) => p.name)],
      rows.map((r) => [r.label, ...parts.map((p) => num(r.values[p.key] || 0))])));
  }
  return fig;
}

/*
 * Columns over time (a trend: one column per hour or per day), for the
 * dashboard's series.
 *   points      [{label, value (number or null: not known), text}]
 *   ticks       how many labels to write under the columns (evenly spread)
 *   title, desc, head, table, caption, tone as barChart.
 * A column's <title> gives its label and figure; a missing value draws no
 * column; the latest figure is written above the last column's end.
 */
export function columnChart({ title, desc, points, head, table = true, caption = true, tone = 'info', ticks = 4 }) {
  const id = `sxc${++seq}`;
  const H = 96;          // the columns' full height, px
  const n = Math.max(1, points.length);
  const top = Math.max(1, ...points.map((p) => p.value || 0));
  const slot = 100 / n;
  const cols = points.map((p, i) => {
    if (p.value == null) return null;
    const h = p.value ? Math.max(1, (p.value / top) * H) : 0;
    return svg('rect', {
      x: `${(i * slot + slot * 0.15).toFixed(2)}%`, y: String(20 + H - h), width: `${(slot * 0.7).toFixed(2)}%`,
      height: String(h), class: `sxc-bar sxc-${tone}`,
    }, svg('title', { text: `${p.label}: ${p.text}` }));
  });
  const every = Math.max(1, Math.ceil(n / ticks));
  // the first label from the left edge, the last to the right one, the others centred
  const anchor = (i) => (i === 0 ? ['0%', 'start'] : i === n - 1 ? ['100%', 'end'] : [`${((i + 0.5) * slot).toFixed(2)}%`, 'middle']);
  const labels = points.map((p, i) => (i % every && i !== n - 1 ? null
    : svg('text', { x: anchor(i)[0], y: String(H + 38), 'text-anchor': anchor(i)[1], class: 'sxc-label', text: p.label })));
  const base = svg('rect', { x: '0', y: String(H + 20), width: '100%', height: '1', class: 'sxc-track' });
  // the latest figure, at the top right
  const last = [...points].reverse().find((p) => p.value != null);
  const scale = svg('text', { x: '100%', y: '12', 'text-anchor': 'end', class: 'sxc-value', text: last ? last.text : '' });
  const fig = el('figure', { class: 'sx-fig' },
    caption ? el('figcaption', { text: title }) : null,
    frame(id, title, desc, H + 44, [scale, base, ...cols, ...labels]));
  if (table && head) fig.append(srTable(title, head, points.map((p) => [p.label, p.text])));
  return fig;
}
