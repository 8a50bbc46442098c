// pages/feedback.js - citizens' feedback (phản ánh kiến nghị, like Ho Chi
// Minh City's 1022), made for a phone first.  Public: the form that
// reports a problem (category, ward, address, an optional point, text,
// photos with the choice to keep their location, who reports), the
// confirmation with the code and secret, the public list of answered
// reports (searched without diacritics, by category), a report's page
// where its author follows it and rates the answer, and the figures per
// agency.  Officials: the agency's work list and the moderator's queue,
// and a report's page with the answer, reassign, merge and moderation
// forms.
import { state, needStrings, t, el, api, go, link, page, when, pick, num, pct, alertBox, showFieldErrors, clearFieldErrors, field } from '../lib.js';
import { officialOnly } from './office.js';
import { unitPicker } from './citizen-ui.js';

const PHOTOS_MAX = 3;
const STATUS = { received: 'fb_st_received', answered: 'fb_st_answered', merged: 'fb_st_merged' };
const MODERATION = { pending: 'fb_mod_pending', approved: 'fb_mod_approved', hidden: 'fb_mod_hidden' };
const WORK = [['open', 'fb_work_open'], ['overdue', 'fb_work_overdue'], ['answered', 'fb_work_answered']];
const ACTIONS = {
  report: 'fb_ev_report', photo: 'fb_ev_photo', answer: 'fb_ev_answer', reassign: 'fb_ev_reassign',
  merge: 'fb_ev_merge', merged: 'fb_ev_merged', moderate: 'fb_ev_moderate', rate: 'fb_ev_rate',
};

const statusBadge = (s) => el('span', { class: `badge fb-${s}`, text: t(STATUS[s] || 'fb_st_received') });
const stars = (n) => '★'.repeat(n) + '☆'.repeat(5 - n);

let categories = null;
async function loadCategories() {
  if (!categories) {
    const r = await api('GET', '/api/v1/feedback-categories');
    categories = r.status === 200 ? r.body.items : [];
  }
  return categories;
}

function categorySelect(name, label, withAll, value = '') {
  const f = field(name, label, { tag: 'select', required: withAll ? null : true });
  f.querySelector('select').replaceChildren(el('option', { value: '', text: t(withAll ? 'fb_all_categories' : 'fb_choose') }),
    ...categories.map((c) => el('option', { value: c.code, text: pick(c), selected: c.code === value })));
  return f;
}

// ---- /phan-anh/gui: report a problem ----

export async function form(view) {
  await Promise.all([needStrings('feedback'), needStrings('citizen')]);
  await loadCategories();
  const ward = unitPicker({ id: 'f-ward_code', field: 'ward_code', label: t('fb_ward'), required: true, hint: t('fb_ward_hint') });
  const anon = !state.me;
  const status = el('div', { 'aria-live': 'polite' });
  const f = el('form', { class: 'act-form', id: 'fb-form', novalidate: true },
    el('p', { class: 'hint', text: t('fb_form_intro') }),
    categorySelect('category', t('fb_category') + ' *', false),
    ward.box,
    field('address', t('fb_address') + ' *', { maxlength: '300', required: true, autocomplete: 'street-address' }),
    field('text', t('fb_text') + ' *', { tag: 'textarea', maxlength: '2000', required: true, rows: '5', hint: t('fb_text_hint') }),
    field('photos', t('fb_photos'), { type: 'file', accept: 'image/jpeg,image/png', multiple: true, 'data-field': 'photo', hint: t('fb_photos_hint') }),
    el('label', { class: 'choice' }, el('input', { type: 'checkbox', name: 'keep_location', id: 'f-keep_location' }), ' ', t('fb_keep_location')),
    pointBox(),
    anon ? el('fieldset', {},
      el('legend', { text: t('fb_who') }),
      field('name', t('fb_name') + ' *', { maxlength: '100', required: true, autocomplete: 'name' }),
      field('phone', t('fb_phone') + ' *', { type: 'tel', required: true, autocomplete: 'tel', hint: t('fb_phone_hint') }),
      field('email', t('fb_email'), { type: 'email', autocomplete: 'email' })) : el('p', { class: 'hint', text: t('fb_signed_in', { name: state.me.full_name }) }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'fb-send', text: t('fb_send') })),
    status);
  f.addEventListener('submit', (e) => { e.preventDefault(); send(f, ward, status); });
  page(view, t('fb_form_title'), f, link('/phan-anh', t('fb_public_title'), { class: 'back' }));
}

// The optional point: typed, or the phone's position when the person
// asks for it (never without a click).
function pointBox() {
  const said = el('p', { class: 'hint', 'aria-live': 'polite' });
  const box = el('details', { class: 'fb-point' },
    el('summary', { text: t('fb_point') }),
    field('lat', t('fb_lat'), { inputmode: 'decimal', hint: t('fb_point_hint') }),
    field('lon', t('fb_lon'), { inputmode: 'decimal' }));
  if ('geolocation' in navigator) {
    box.append(el('button', { type: 'button', id: 'fb-here', text: t('fb_use_location'), onclick: () => {
      said.textContent = t('fb_locating');
      navigator.geolocation.getCurrentPosition((pos) => {
        box.querySelector('#f-lat').value = pos.coords.latitude.toFixed(6);
        box.querySelector('#f-lon').value = pos.coords.longitude.toFixed(6);
        said.textContent = '';
      }, () => { said.textContent = t('fb_location_failed'); }, { timeout: 15000 });
    } }), said);
  }
  return box;
}

async function send(f, ward, status) {
  clearFieldErrors(f);
  status.replaceChildren();
  const files = [...f.elements.photos.files];
  if (files.length > PHOTOS_MAX) {
    showFieldErrors(f, { body: { errors: [{ field: 'photo', message_vi: t('fb_photos_max'), message_en: t('fb_photos_max') }] } });
    return;
  }
  const v = (n) => (f.elements[n] ? f.elements[n].value.trim() : '');
  const body = { category: v('category'), ward_code: ward.code, address: v('address'), text: v('text') };
  for (const n of ['name', 'phone', 'email']) if (v(n)) body[n] = v(n);
  if (v('lat') || v('lon')) { body.lat = Number(v('lat').replace(',', '.')); body.lon = Number(v('lon').replace(',', '.')); }
  const btn = f.querySelector('#fb-send');
  btn.disabled = true;
  const r = await api('POST', '/api/v1/feedback', body, { noIdempotency: true });
  if (r.status !== 201) {
    btn.disabled = false;
    const rest = r.status === 422 ? showFieldErrors(f, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
    return;
  }
  const { code, secret } = r.body;
  const failed = [];
  for (const file of files) {
    status.replaceChildren(el('p', { class: 'hint', text: t('fb_uploading', { name: file.name }) }));
    const u = await sendPhoto(code, secret, file, f.elements.keep_location.checked);
    if (u.status !== 201) failed.push(file.name);
  }
  sessionStorage.setItem(`fb:${code}`, JSON.stringify({ secret, failed }));
  go(`/phan-anh/${encodeURIComponent(code)}?s=${encodeURIComponent(secret)}&moi=1`, true);
}

async function sendPhoto(code, secret, file, keep) {
  const headers = { 'Accept-Language': state.lang, 'Content-Type': file.type || 'application/octet-stream' };
  if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
  try {
    const res = await fetch(`/api/v1/feedback/${encodeURIComponent(code)}/photos?s=${encodeURIComponent(secret)}${keep ? '&keep_location=1' : ''}`,
      { method: 'POST', headers, body: file, credentials: 'same-origin' });
    return { status: res.status };
  } catch {
    return { status: 0 };
  }
}

// ---- /phan-anh: the public reports ----

function card(p, official) {
  const href = official ? `/can-bo/phan-anh/${encodeURIComponent(p.code)}` : `/phan-anh/${encodeURIComponent(p.code)}`;
  return el('li', { class: 'doc-card' },
    el('div', { class: 'doc-card-head' }, statusBadge(p.status),
      p.status === 'received' && Date.now() > Date.parse(p.due_at) ? el('span', { class: 'badge overdue', text: t('fb_overdue') }) : null,
      el('span', { class: 'task-kind', text: pick(p.category) })),
    el('p', { class: 'doc-summary' }, link(href, p.text.length > 160 ? p.text.slice(0, 157) + '…' : p.text, { class: 'doc-card-link' })),
    el('p', { class: 'doc-meta' }, [p.code, pick(p.ward) || p.ward.code, pick(p.agency), when(p.received_at)].join(' · ')));
}

export async function list(view, qs) {
  await needStrings('feedback');
  await loadCategories();
  const params = new URLSearchParams();
  for (const k of ['q', 'category', 'agency_id', 'ward_code']) if (qs.get(k)) params.set(k, qs.get(k));
  const [r, ag] = await Promise.all([api('GET', `/api/v1/feedback?${params}`), api('GET', '/api/v1/agencies')]);
  const agency = field('agency_id', t('fb_agency'), { tag: 'select' });
  agency.querySelector('select').replaceChildren(el('option', { value: '', text: t('fb_all_agencies') }),
    ...(ag.status === 200 ? ag.body.items : []).map((a) => el('option', { value: String(a.id), text: pick(a), selected: String(a.id) === qs.get('agency_id') })));
  const search = el('form', { class: 'act-form', id: 'fb-search', role: 'search' },
    field('q', t('fb_search'), { type: 'search', value: qs.get('q') || '', hint: t('fb_search_hint') }),
    categorySelect('category', t('fb_category'), true, qs.get('category') || ''),
    agency,
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'fb-search-go', text: t('fb_search_go') })));
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (search.elements.q.value.trim()) p.set('q', search.elements.q.value.trim());
    for (const k of ['category', 'agency_id']) if (search.elements[k].value) p.set(k, search.elements[k].value);
    if (qs.get('ward_code')) p.set('ward_code', qs.get('ward_code'));
    go(`/phan-anh${p.toString() ? '?' + p : ''}`);
  });
  const items = r.status === 200 ? r.body.items : [];
  // a citizen signed in finds their own reports first
  const mine = state.me && state.me.kind !== 'official' ? await api('GET', '/api/v1/my/feedback') : null;
  page(view, t('fb_public_title'),
    mine && mine.status === 200 && mine.body.items.length ? el('section', { 'aria-labelledby': 'fb-mine-h' },
      el('h2', { id: 'fb-mine-h', text: t('fb_mine') }),
      el('ul', { class: 'doc-cards', id: 'fb-mine' }, ...mine.body.items.map((p) => card(p, false)))) : null,
    el('p', { class: 'hint', text: t('fb_public_intro') }),
    el('p', { class: 'actions' },
      link('/phan-anh/gui', t('fb_new'), { class: 'button primary', id: 'fb-new' }),
      link('/phan-anh/so-lieu', t('fb_figures_title'), { class: 'button', id: 'fb-figures' })),
    search,
    r.status !== 200 ? alertBox(r)
      : items.length ? el('ul', { class: 'doc-cards', id: 'fb-list' }, ...items.map((p) => card(p, false)))
        : el('p', { class: 'hint', id: 'fb-none', text: t('fb_none') }));
}

// ---- /phan-anh/{code}: one report (its author follows it here) ----

function head(p, secret) {
  const row = (k, ...v) => [el('dt', { text: t(k) }), el('dd', {}, ...v)];
  const q = secret ? `?s=${encodeURIComponent(secret)}` : '';
  return el('section', { class: 'card doc-head', 'aria-labelledby': 'fb-h' },
    el('p', { class: 'doc-badges' }, el('span', { id: 'fb-status' }, statusBadge(p.status))),
    el('h2', { id: 'fb-h', class: 'doc-summary-big', text: `${t('fb_report')} ${p.code}` }),
    el('p', { id: 'fb-text', class: 'fb-text', text: p.text }),
    el('dl', { class: 'head-dl' },
      ...row('fb_category', pick(p.category)),
      ...row('fb_where', [p.address, pick(p.ward)].filter(Boolean).join(', ')),
      p.point ? row('fb_point', `${p.point.lat.toFixed(5)}, ${p.point.lon.toFixed(5)} `,
        el('a', { href: `https://www.openstreetmap.org/?mlat=${p.point.lat}&mlon=${p.point.lon}#map=18/${p.point.lat}/${p.point.lon}`, rel: 'noopener noreferrer', target: '_blank', text: t('fb_map') })) : [],
      ...row('fb_agency', el('span', { id: 'fb-agency', text: pick(p.agency) })),
      ...row('fb_received', when(p.received_at)),
      ...row('fb_due', when(p.due_at)),
      p.merged_into ? row('fb_merged_into', link(`/phan-anh/${encodeURIComponent(p.merged_into)}`, p.merged_into)) : [],
      p.text_state ? row('fb_text_state', el('span', { id: 'fb-text-state', text: t(MODERATION[p.text_state]) + (p.text_reason ? ` — ${p.text_reason}` : '') })) : []),
    p.photos && p.photos.length ? el('ul', { class: 'fb-photos' }, ...p.photos.map((ph) => el('li', {},
      el('img', { src: ph.href + q, alt: t('fb_photo_alt', { n: ph.position }), width: String(Math.min(ph.width, 320)), loading: 'lazy', class: 'fb-photo' })))) : null);
}

function answerView(p) {
  if (!p.answer) return el('section', { 'aria-labelledby': 'fb-ans-h' }, el('h2', { id: 'fb-ans-h', text: t('fb_answer') }), el('p', { class: 'hint', id: 'fb-no-answer', text: t('fb_no_answer') }));
  const a = p.answer;
  return el('section', { class: 'card', 'aria-labelledby': 'fb-ans-h' },
    el('h2', { id: 'fb-ans-h', text: t('fb_answer') }),
    el('p', { id: 'fb-answer', text: a.text }),
    el('p', { class: 'doc-meta' }, [when(a.at), a.by, t(a.public ? 'fb_answer_public' : 'fb_answer_private'), a.state ? t(MODERATION[a.state]) : null].filter(Boolean).join(' · ')),
    p.rating ? el('p', { id: 'fb-rating' }, el('span', { 'aria-hidden': 'true', text: stars(p.rating.stars) + ' ' }), t('fb_rated', { n: p.rating.stars }), p.rating.comment ? ` — ${p.rating.comment}` : '') : null);
}

function rateForm(p, secret, etag) {
  const status = el('div', { 'aria-live': 'polite' });
  const f = el('form', { class: 'act-form', id: 'fb-rate', novalidate: true },
    el('h2', { text: t('fb_rate_title') }),
    el('fieldset', { 'data-field': 'rating', tabindex: '-1' },
      el('legend', { text: t('fb_rate_legend') + ' *' }),
      ...[5, 4, 3, 2, 1].map((n) => el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'rating', value: String(n) }), ' ', t('fb_rated', { n })))),
    field('comment', t('fb_rate_comment'), { tag: 'textarea', maxlength: '500' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: 'fb-rate-send', text: t('fb_rate_send') })),
    status);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(f);
    const chosen = f.querySelector('input[name="rating"]:checked');
    const body = { rating: chosen ? Number(chosen.value) : 0 };
    if (f.elements.comment.value.trim()) body.comment = f.elements.comment.value.trim();
    const r = await api('POST', `/api/v1/feedback/${encodeURIComponent(p.code)}/rating${secret ? '?s=' + encodeURIComponent(secret) : ''}`, body, { headers: { 'If-Match': etag } });
    if (r.status === 200) { go(`${location.pathname}${secret ? '?s=' + encodeURIComponent(secret) : ''}`, true); return; }
    const rest = r.status === 422 ? showFieldErrors(f, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return f;
}

function followForm(code) {
  const f = el('form', { class: 'act-form', id: 'fb-follow' },
    el('p', { class: 'hint', text: t('fb_follow_hint') }),
    field('secret', t('fb_secret'), { autocomplete: 'off', spellcheck: 'false' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', text: t('fb_follow') })));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    go(`/phan-anh/${encodeURIComponent(code)}?s=${encodeURIComponent(f.elements.secret.value.trim())}`);
  });
  return f;
}

export async function report(view, code, qs) {
  await needStrings('feedback');
  const secret = qs.get('s') || '';
  const back = link('/phan-anh', t('fb_public_title'), { class: 'back' });
  const r = await api('GET', `/api/v1/feedback/${encodeURIComponent(code)}${secret ? '?s=' + encodeURIComponent(secret) : ''}`);
  if (r.status !== 200) { page(view, t('fb_report_title'), alertBox(r), followForm(code), back); return; }
  const p = r.body;
  const fresh = qs.get('moi') === '1' ? JSON.parse(sessionStorage.getItem(`fb:${code}`) || 'null') : null;
  page(view, t('fb_report_title'),
    fresh ? el('div', { class: 'notice', role: 'status', id: 'fb-done' },
      el('p', { text: t('fb_done') }),
      el('p', {}, t('fb_done_code'), ' ', el('strong', { id: 'fb-code', text: code })),
      el('p', {}, t('fb_done_secret'), ' ', el('strong', { id: 'fb-secret', text: secret })),
      el('p', { class: 'hint', text: t('fb_done_keep') }),
      fresh.failed.length ? el('p', { class: 'error', text: t('fb_photos_failed', { names: fresh.failed.join(', ') }) }) : null) : null,
    head(p, secret), answerView(p),
    p.my.may_rate ? rateForm(p, secret, r.headers.get('ETag')) : null,
    back);
  if (fresh) { sessionStorage.removeItem(`fb:${code}`); history.replaceState(null, '', `${location.pathname}?s=${encodeURIComponent(secret)}`); }
}

// ---- /phan-anh/so-lieu: the figures per agency ----

export async function figures(view) {
  await needStrings('feedback');
  const r = await api('GET', '/api/v1/feedback-figures');
  if (r.status !== 200) { page(view, t('fb_figures_title'), alertBox(r)); return; }
  const th = (k) => el('th', { scope: 'col', text: t(k) });
  const rows = r.body.items.map((a) => el('tr', {},
    el('th', { scope: 'row', 'data-label': t('fb_agency'), text: pick(a.agency) }),
    el('td', { 'data-label': t('fb_fig_received'), text: num(a.received) }),
    el('td', { 'data-label': t('fb_fig_answered'), text: num(a.answered) }),
    el('td', { 'data-label': t('fb_fig_on_time'), text: pct(a.on_time_rate == null ? null : a.on_time_rate * 100) }),
    el('td', { 'data-label': t('fb_fig_rating'), text: a.rating_mean == null ? '—' : new Intl.NumberFormat(state.lang === 'en' ? 'en' : 'vi-VN', { maximumFractionDigits: 1 }).format(a.rating_mean) })));
  page(view, t('fb_figures_title'),
    el('p', { class: 'hint', text: t('fb_figures_intro', { from: r.body.from, to: r.body.to }) }),
    rows.length ? el('table', { class: 'stack', id: 'fb-figures-table' },
      el('thead', {}, el('tr', {}, th('fb_agency'), th('fb_fig_received'), th('fb_fig_answered'), th('fb_fig_on_time'), th('fb_fig_rating'))),
      el('tbody', {}, ...rows)) : el('p', { class: 'hint', text: t('fb_none') }),
    link('/phan-anh', t('fb_public_title'), { class: 'back' }));
}

// ---- /can-bo/phan-anh: the agency's work and the moderator's queue ----

export async function work(view, qs) {
  await Promise.all([needStrings('feedback'), needStrings('office')]);
  if (!officialOnly(view, null)) return;
  const handles = state.me.permissions.includes('feedback.handle'), moderates = state.me.permissions.includes('feedback.moderate');
  const st = qs.get('state') || 'open';
  const [w, m] = await Promise.all([
    handles ? api('GET', `/api/v1/feedback-work?state=${encodeURIComponent(st)}`) : null,
    moderates ? api('GET', '/api/v1/feedback-moderation') : null]);
  const tabs = el('p', { class: 'actions', id: 'fb-tabs' }, ...WORK.map(([s, k]) => link(`/can-bo/phan-anh?state=${s}`, t(k), { class: 'button', 'aria-current': s === st ? 'true' : null })));
  page(view, t('fb_work_title'),
    handles ? el('section', { 'aria-labelledby': 'fb-work-h' },
      el('h2', { id: 'fb-work-h', text: t('fb_work') }), tabs,
      w.status !== 200 ? alertBox(w) : w.body.items.length ? el('ul', { class: 'doc-cards', id: 'fb-work' }, ...w.body.items.map((p) => card(p, true))) : el('p', { class: 'hint', text: t('fb_none') })) : null,
    moderates ? el('section', { 'aria-labelledby': 'fb-mod-h' },
      el('h2', { id: 'fb-mod-h', text: t('fb_moderation') }),
      m.status !== 200 ? alertBox(m) : m.body.items.length ? el('ul', { class: 'doc-cards', id: 'fb-queue' }, ...m.body.items.map((p) => card(p, true))) : el('p', { class: 'hint', text: t('fb_none') })) : null,
    !handles && !moderates ? el('p', { class: 'warning', role: 'alert', text: t('of_forbidden') }) : null);
}

// ---- /can-bo/phan-anh/{code}: one report for the official ----

function actForm(id, title, fields, label, submit) {
  const status = el('div', { 'aria-live': 'polite' });
  const f = el('form', { class: 'act-form', id, novalidate: true },
    el('h2', { text: title }), ...fields,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', id: `${id}-send`, text: label })),
    status);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(f);
    const r = await submit(f);
    if (r.status === 200) { go(`${location.pathname}?done=${id}`, true); return; }
    const rest = r.status === 422 ? showFieldErrors(f, r) : [];
    status.replaceChildren(alertBox(r), ...rest.map((m) => el('p', { class: 'error', text: m })));
  });
  return f;
}

function handleForms(p, etag, agencies) {
  const path = (what) => `/api/v1/feedback/${encodeURIComponent(p.code)}/${what}`;
  const post = (what, body) => api('POST', path(what), body, { headers: { 'If-Match': etag } });
  const agencySelect = field('agency_id', t('fb_reassign_to') + ' *', { tag: 'select', required: true });
  agencySelect.querySelector('select').replaceChildren(el('option', { value: '', text: t('fb_choose') }),
    ...agencies.filter((a) => a.id !== p.agency.id).map((a) => el('option', { value: String(a.id), text: pick(a) })));
  return [
    actForm('fb-answer-form', t('fb_answer_title'), [
      field('text', t('fb_answer_text') + ' *', { tag: 'textarea', maxlength: '2000', rows: '5' }),
      el('label', { class: 'choice' }, el('input', { type: 'checkbox', name: 'public', id: 'f-public', checked: true }), ' ', t('fb_answer_public_box'))],
    t('fb_answer_send'), (f) => post('answer', { text: f.elements.text.value.trim(), public: f.elements.public.checked })),
    actForm('fb-reassign-form', t('fb_reassign_title'), [agencySelect, field('reason', t('fb_reason') + ' *', { tag: 'textarea', maxlength: '500' })],
      t('fb_reassign_send'), (f) => post('reassign', { agency_id: Number(f.elements.agency_id.value) || null, reason: f.elements.reason.value.trim() })),
    actForm('fb-merge-form', t('fb_merge_title'), [field('into', t('fb_merge_into') + ' *', { maxlength: '23', hint: t('fb_merge_hint') })],
      t('fb_merge_send'), (f) => post('merge', { into: f.elements.into.value.trim().toUpperCase() })),
  ];
}

function moderateForm(p, etag) {
  const target = el('fieldset', { 'data-field': 'target', tabindex: '-1' }, el('legend', { text: t('fb_mod_target') + ' *' }),
    el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'target', value: 'text', checked: p.text_state === 'pending' || !p.answer }), ' ', t('fb_mod_target_text')),
    p.answer ? el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'target', value: 'answer', checked: p.text_state !== 'pending' }), ' ', t('fb_mod_target_answer')) : null);
  const decision = el('fieldset', { 'data-field': 'decision', tabindex: '-1' }, el('legend', { text: t('fb_mod_decision') + ' *' }),
    el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'decision', value: 'approve', checked: true }), ' ', t('fb_mod_approve')),
    el('label', { class: 'choice' }, el('input', { type: 'radio', name: 'decision', value: 'hide' }), ' ', t('fb_mod_hide')));
  return actForm('fb-moderate-form', t('fb_moderate_title'), [
    el('p', { class: 'hint' }, t('fb_public_text'), ' ', el('q', { id: 'fb-public-text', text: p.public_text })),
    target, decision, field('reason', t('fb_reason'), { tag: 'textarea', maxlength: '500', hint: t('fb_mod_reason_hint') })],
  t('fb_moderate_send'), (f) => {
    const body = { target: f.querySelector('input[name="target"]:checked')?.value, decision: f.querySelector('input[name="decision"]:checked')?.value };
    if (f.elements.reason.value.trim()) body.reason = f.elements.reason.value.trim();
    return api('POST', `/api/v1/feedback/${encodeURIComponent(p.code)}/moderation`, body, { headers: { 'If-Match': etag } });
  });
}

function trail(p) {
  if (!p.events) return null;
  return el('section', { 'aria-labelledby': 'fb-trail-h' },
    el('h2', { id: 'fb-trail-h', text: t('fb_trail') }),
    el('ol', { class: 'fb-trail' }, ...p.events.map((e) => el('li', {}, `${when(e.at)} · ${t(ACTIONS[e.action] || 'fb_ev_report')}${e.by ? ' · ' + e.by : ''}${e.detail.reason ? ' — ' + e.detail.reason : ''}`))));
}

export async function handle(view, code, qs) {
  await Promise.all([needStrings('feedback'), needStrings('office')]);
  if (!officialOnly(view, null)) return;
  const back = link('/can-bo/phan-anh', t('fb_work_title'), { class: 'back' });
  const r = await api('GET', `/api/v1/feedback/${encodeURIComponent(code)}`);
  if (r.status !== 200) { page(view, t('fb_report_title'), alertBox(r), back); return; }
  const p = r.body, etag = r.headers.get('ETag');
  const agencies = p.my.may_handle ? await api('GET', '/api/v1/agencies') : null;
  const done = qs.get('done');
  page(view, t('fb_report_title'),
    done ? el('p', { class: 'notice', role: 'status', id: 'fb-act-done', text: t('fb_act_done') }) : null,
    head(p, ''),
    el('p', { class: 'doc-meta', id: 'fb-author' }, `${t('fb_author')}: ${p.author_name || ''}${p.author_contact && p.author_contact.phone ? ' · ' + p.author_contact.phone : ''}`),
    answerView(p),
    p.my.may_handle ? handleForms(p, etag, agencies && agencies.status === 200 ? (agencies.body.items || []) : []) : null,
    p.my.may_moderate ? moderateForm(p, etag) : null,
    trail(p), back);
  if (done) history.replaceState(null, '', location.pathname);
}
