// pages/office-form.js - a procedure's form (its "form" schema: text,
// number, date, id_number, choice, unit, attachment) as labelled controls,
// and back as the JSON the API validates; the same schema shown read-only
// on an official's dossier page; a ward/commune picker (search as you type
// over GET /api/v1/units?q=).  Controls are named "form.<name>" so that the
// server's field errors ("form.<name>") land next to them.
import { state, t, el, api, pick, day, upload, problemText, dateInput, isoDay } from '../lib.js';

let uid = 0;

const label = (f) => (state.lang === 'en' ? (f.label_en || f.label) : f.label);

// A ward/commune picker: a text box whose suggestions come from the units
// API; the chosen code is the value sent.  Returns {box, input, set(code, name)}.
export function unitPicker(id, name, attrs = {}) {
  const list = el('ul', { class: 'suggest', id: `${id}-list`, role: 'listbox', hidden: true, 'aria-label': t('of_unit_suggestions') });
  const input = el('input', {
    id, name, type: 'text', autocomplete: 'off', spellcheck: 'false', role: 'combobox', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': `${id}-list`, ...attrs,
  });
  const chosen = el('p', { class: 'hint unit-name', id: `${id}-name`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', [attrs['aria-describedby'], `${id}-name`].filter(Boolean).join(' '));
  let timer = 0, seq = 0, active = -1;
  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; };
  const choose = (u) => {
    input.value = u.code;
    input.dataset.code = u.code;
    chosen.textContent = pick(u, 'full_name') || u.name;
    close();
  };
  const mark = (i) => {
    const items = [...list.children];
    if (!items.length) return;
    active = (i + items.length) % items.length;
    items.forEach((li, k) => li.setAttribute('aria-selected', k === active ? 'true' : 'false'));
    input.setAttribute('aria-activedescendant', items[active].id);
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    delete input.dataset.code;
    chosen.textContent = '';
    const q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(async () => {
      const mine = ++seq;
      const r = /^\d{5}$/.test(q)
        ? await api('GET', `/api/v1/units/${q}`).then((x) => ({ status: x.status, body: { items: x.status === 200 ? [x.body] : [] } }))
        : await api('GET', `/api/v1/units?q=${encodeURIComponent(q)}&limit=10`);
      if (mine !== seq) return;
      list.replaceChildren();
      const items = r.status === 200 ? r.body.items.filter((u) => String(u.code).length === 5) : [];
      if (/^\d{5}$/.test(q) && items.length === 1) { choose(items[0]); return; }
      items.forEach((u, k) => {
        const li = el('li', { id: `${id}-opt-${k}`, role: 'option', 'aria-selected': 'false', text: `${pick(u, 'full_name') || u.name} (${u.code})` });
        li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(u); });
        list.append(li);
      });
      list.hidden = !items.length;
      input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
    }, 200);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); mark(active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); mark(active - 1); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); list.children[active].dispatchEvent(new MouseEvent('mousedown')); }
    else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  const set = (code, name) => {
    input.value = code || '';
    if (code) input.dataset.code = code; else delete input.dataset.code;
    chosen.textContent = name || '';
    if (code && !name) api('GET', `/api/v1/units/${encodeURIComponent(code)}`).then((r) => { if (r.status === 200) chosen.textContent = pick(r.body, 'full_name') || r.body.name; });
  };
  return { box: el('div', { class: 'combo' }, input, list, chosen), input, set };
}

// The controls of a procedure's form.  Returns {node, values(), fill(obj)}.
export function buildForm(schema, prefix = 'of') {
  const n = ++uid;
  const controls = [];
  const node = el('div', { class: 'proc-form' });
  for (const f of schema) {
    const id = `${prefix}-${n}-${f.name}`;
    const req = !!f.required;
    const text = label(f) + (req ? ' *' : '');
    const common = { id, name: `form.${f.name}`, required: req };
    let input, box, get, put, hint, bad;
    switch (f.type) {
      case 'number':
        input = el('input', { ...common, type: 'number', inputmode: 'numeric', min: f.min ?? null, max: f.max ?? null, step: 'any' });
        get = () => (input.value === '' ? undefined : Number(input.value));
        break;
      case 'date':
        // typed as dd/mm/yyyy whatever the browser's language; sent as yyyy-mm-dd
        // (what is not a date goes as typed, for the server to refuse)
        hint = el('p', { class: 'hint', id: `${id}-hint`, text: t('of_date_hint') });
        input = dateInput({ ...common, placeholder: t('of_date_placeholder'), 'aria-describedby': hint.id });
        get = () => (input.value.trim() === '' ? undefined : isoDay(input.value) || input.value.trim());
        put = (v) => { input.value = /^\d{4}-\d{2}-\d{2}$/.test(v ?? '') ? day(`${v}T12:00:00+07:00`) : v ?? ''; };
        bad = () => (input.value.trim() && !isoDay(input.value) ? t('of_date_bad') : '');
        break;
      case 'id_number':
        input = el('input', { ...common, type: 'text', inputmode: 'numeric', maxlength: '12', pattern: '[0-9]{12}', autocomplete: 'off' });
        break;
      case 'choice':
        input = el('select', common, el('option', { value: '', text: t('of_choose') }),
          ...(f.choices || []).map((c) => el('option', { value: c.value, text: label(c) })));
        break;
      case 'unit': {
        const p = unitPicker(id, `form.${f.name}`, { required: req });
        input = p.input;
        box = p.box;
        get = () => input.dataset.code || input.value.trim() || undefined;
        put = (v) => p.set(v);
        break;
      }
      case 'attachment': {
        input = el('input', { ...common, type: 'file', accept: 'application/pdf,image/jpeg,image/png' });
        const prog = el('progress', { max: '1', value: '0', hidden: true, 'aria-label': t('of_uploading') });
        const msg = el('p', { class: 'hint', 'aria-live': 'polite' });
        input.addEventListener('change', async () => {
          delete input.dataset.sha;
          const file = input.files[0];
          if (!file) return;
          prog.hidden = false;
          const r = await upload(file, (x) => { prog.value = x; });
          prog.hidden = true;
          if (r.status === 201) { input.dataset.sha = r.body.sha256; msg.textContent = t('of_uploaded', { name: file.name }); }
          else msg.textContent = problemText(r);
        });
        box = el('div', {}, input, prog, msg);
        get = () => input.dataset.sha || undefined;
        put = () => {};
        break;
      }
      default:
        input = el('input', { ...common, type: 'text', maxlength: f.max ? String(f.max) : null });
    }
    if (!get) get = () => (input.value.trim() === '' ? undefined : input.value.trim());
    if (!put) put = (v) => { input.value = v ?? ''; };
    controls.push({ f, get, put, input, bad });
    node.append(el('div', { class: 'field' }, el('label', { for: id, text }), hint, box || input));
  }
  return {
    node,
    values() {
      const out = {};
      for (const c of controls) { const v = c.get(); if (v !== undefined) out[c.f.name] = v; }
      return out;
    },
    // Fill empty controls from known values (e.g. the applicant's name).
    fill(obj) {
      for (const c of controls) if (obj[c.f.name] != null && c.get() === undefined) c.put(obj[c.f.name]);
    },
    // Required controls left empty, and values that cannot be right (a
    // date that does not exist), as problem+json field errors.
    missing() {
      const problem = (c, m) => ({ field: `form.${c.f.name}`, message: m, message_vi: m, message_en: m });
      return controls.map((c) => (c.f.required && c.get() === undefined ? problem(c, t('of_required'))
        : c.bad && c.bad() ? problem(c, c.bad()) : null)).filter(Boolean);
    },
  };
}

// A dossier's form data, read-only, in the order of the procedure's form.
// attachmentLink(sha, field) may return a link for an uploaded file.
export function formView(schema, data, attachmentLink) {
  const dl = el('dl', { class: 'form-data' });
  const known = new Set();
  for (const f of schema || []) {
    known.add(f.name);
    const v = data[f.name];
    let shown;
    if (v == null || v === '') shown = '—';
    else if (f.type === 'choice') shown = label((f.choices || []).find((c) => c.value === v) || { label: v });
    else if (f.type === 'date') shown = day(`${v}T00:00:00+07:00`);
    else if (f.type === 'attachment') shown = attachmentLink ? attachmentLink(v, f) : t('of_attached');
    else if (f.type === 'unit') {
      shown = el('span', { text: v });
      api('GET', `/api/v1/units/${encodeURIComponent(v)}`).then((r) => { if (r.status === 200) shown.textContent = `${pick(r.body, 'full_name') || r.body.name} (${v})`; });
    } else shown = String(v);
    dl.append(el('dt', { text: label(f) }), el('dd', {}, shown));
  }
  for (const [k, v] of Object.entries(data)) {
    if (!known.has(k)) dl.append(el('dt', { text: k }), el('dd', { text: typeof v === 'string' ? v : JSON.stringify(v) }));
  }
  return dl;
}


