// pages/citizen-ui.js - pieces the citizen's pages share (apply.js,
// mine.js): a field error shown next to one control, the ward/commune
// picker (an ARIA combobox over GET /api/v1/units?q=), an attachment with
// its upload progress, a procedure's papers matched to its upload fields,
// and the links to a dossier's printable forms.
import { state, t, el, api, pick, bytes, upload, problemText, copies } from '../lib.js';

// Show one message next to one control, the way lib.js showFieldErrors
// does (so clearFieldErrors removes it too).
export function setFieldError(input, msg) {
  clearFieldError(input);
  const id = `${input.id}-err`;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
  input.insertAdjacentElement('afterend', el('p', { class: 'field-error', id, text: msg }));
}

export function clearFieldError(input) {
  const id = `${input.id}-err`;
  document.getElementById(id)?.remove();
  input.removeAttribute('aria-invalid');
  const rest = (input.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id).join(' ');
  if (rest) input.setAttribute('aria-describedby', rest); else input.removeAttribute('aria-describedby');
}

// A required mark seen by eyes; screen readers hear "required" from the
// control itself.
export const reqMark = () => el('span', { class: 'req', 'aria-hidden': 'true', text: ' *' });

// ---- the ward/commune picker ----

let provinces = null; // code -> unit, fetched once
function provinceNames() {
  if (!provinces) {
    provinces = api('GET', '/api/v1/units').then((r) => new Map(r.status === 200 ? r.body.items.map((u) => [u.code, u]) : []));
  }
  return provinces;
}

function unitLabel(u, prov) {
  const p = prov.get(u.province_code);
  return p && u.level !== 'province' ? `${pick(u, 'full_name')}, ${pick(p, 'full_name')}` : pick(u, 'full_name');
}

// A combobox: type part of a name (diacritics optional), pick a ward or
// commune from the list with the mouse or the arrow keys and Enter.  The
// chosen code is picker.code; picker.input carries data-field so the
// server's errors land next to it.
export function unitPicker({ id, field, label, required, hint }) {
  const listId = `${id}-list`, hintId = `${id}-hint`, statusId = `${id}-status`;
  const input = el('input', {
    id, type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    'aria-describedby': `${hintId} ${statusId}`, 'data-field': field, 'aria-required': required ? 'true' : null,
    maxlength: '100',
  });
  const list = el('ul', { id: listId, role: 'listbox', class: 'cz-combo-list', hidden: true, 'aria-label': label });
  const status = el('p', { id: statusId, class: 'hint', 'aria-live': 'polite' });
  const picker = { input, code: '', text: '' };
  let items = [], active = -1, timer = 0, seq = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const choose = (u, text) => {
    picker.code = u.code;
    picker.text = text;
    input.value = text;
    status.textContent = t('ap_unit_chosen', { code: u.code });
    clearFieldError(input);
    close();
  };
  picker.set = (code, text) => {
    picker.code = code || '';
    picker.text = text || '';
    input.value = text || '';
    status.textContent = code ? t('ap_unit_chosen', { code }) : '';
  };

  input.addEventListener('input', () => {
    picker.code = '';
    picker.text = '';
    status.textContent = '';
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(async () => {
      const mine = ++seq;
      const [r, prov] = await Promise.all([api('GET', `/api/v1/units?q=${encodeURIComponent(q)}&limit=30`), provinceNames()]);
      if (mine !== seq) return; // a later search overtook this one
      if (r.status !== 200) { status.textContent = problemText(r); close(); return; }
      items = r.body.items.filter((u) => u.level === 'ward').slice(0, 15);
      list.replaceChildren(...items.map((u, k) => {
        const text = unitLabel(u, prov);
        return el('li', {
          id: `${id}-opt-${k}`, role: 'option', 'aria-selected': 'false', text,
          onmousedown: (e) => e.preventDefault(), // keep the focus in the input
          onclick: () => choose(u, text),
        });
      }));
      if (!items.length) { status.textContent = t('ap_unit_none'); close(); return; }
      status.textContent = t('ap_unit_count', { n: items.length });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      highlight(-1);
    }, 200);
  });
  input.addEventListener('keydown', (e) => {
    const open = !list.hidden && items.length;
    if (e.key === 'ArrowDown' && open) { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (e.key === 'ArrowUp' && open) { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === 'Enter' && open && active >= 0) { e.preventDefault(); choose(items[active], list.children[active].textContent); }
    else if (e.key === 'Escape' && open) { e.preventDefault(); close(); }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));

  picker.box = el('div', { class: 'field' },
    el('label', { for: id }, label, required ? reqMark() : null),
    el('p', { class: 'hint', id: hintId, text: hint || t('ap_unit_hint') }),
    el('div', { class: 'cz-combo' }, input, list),
    status);
  return picker;
}

// ---- an attachment ----

const MIME = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

// One file input with its own progress bar and status line.  Uploads as
// soon as a file is chosen; box.sha is the stored file's SHA-256 once the
// server has it.  Errors (415 wrong type, 413 too large) show next to it.
export function attachment({ id, field, label, required, hint }) {
  const hintId = `${id}-hint`, statusId = `${id}-status`;
  const input = el('input', {
    id, type: 'file', accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png',
    'data-field': field, 'aria-describedby': `${hintId} ${statusId}`, 'aria-required': required ? 'true' : null,
  });
  const bar = el('progress', { id: `${id}-progress`, max: '1', value: '0', hidden: true, 'aria-label': t('ap_progress', { name: label }) });
  const status = el('p', { id: statusId, class: 'cz-upload-status', 'aria-live': 'polite' });
  const clear = el('button', { type: 'button', class: 'linkish', hidden: true, text: t('ap_remove_file') });
  const box = { input, sha: '', file: null, busy: false, error: '', label };
  let seq = 0;

  const reset = () => {
    seq++;
    box.sha = '';
    box.file = null;
    box.busy = false;
    box.error = '';
    input.value = '';
    bar.hidden = true;
    bar.value = 0;
    status.textContent = '';
    status.classList.remove('done');
    clear.hidden = true;
    clearFieldError(input);
  };
  clear.addEventListener('click', () => { reset(); input.focus(); input.dispatchEvent(new Event('uploaded', { bubbles: true })); });
  // a file uploaded before (a draft brought back): shown as uploaded
  box.restore = (sha, file) => {
    reset();
    box.sha = sha;
    box.file = file || null;
    status.textContent = file ? t('ap_uploaded', { name: file.name, size: bytes(file.size), type: MIME[file.mime] || file.mime }) : t('ap_uploaded_short');
    status.classList.add('done');
    clear.hidden = false;
  };

  input.addEventListener('change', async () => {
    const file = input.files[0];
    clearFieldError(input);
    box.sha = '';
    box.file = null;
    box.error = '';
    status.classList.remove('done');
    if (!file) { reset(); return; }
    const mine = ++seq;
    box.busy = true;
    bar.hidden = false;
    bar.value = 0;
    status.textContent = t('ap_uploading', { name: file.name, size: bytes(file.size) });
    const res = await upload(file, (p) => { if (mine === seq) bar.value = p; });
    if (mine !== seq) return; // another file was chosen meanwhile
    box.busy = false;
    if (res.status === 201) {
      bar.value = 1;
      box.sha = res.body.sha256;
      box.file = { name: file.name, size: res.body.size, mime: res.body.mime };
      status.textContent = t('ap_uploaded', { name: file.name, size: bytes(res.body.size), type: MIME[res.body.mime] || res.body.mime });
      status.classList.add('done');
      clear.hidden = false;
      input.dispatchEvent(new Event('uploaded', { bubbles: true }));
      return;
    }
    bar.hidden = true;
    status.textContent = '';
    box.error = uploadError(res);
    setFieldError(input, box.error);
  });

  box.box = el('div', { class: 'cz-attachment' },
    el('label', { for: id }, label, required ? reqMark() : null),
    el('p', { class: 'hint', id: hintId }, hint || '', hint ? ' ' : '', t('ap_file_types')),
    input, bar, status, clear);
  return box;
}

export function uploadError(res) {
  if (res.status === 415) return t('ap_err_file_type');
  if (res.status === 413) {
    const m = /(\d+)/.exec((res.body && res.body.detail) || '');
    return m ? t('ap_err_file_size', { max: bytes(Number(m[1])) }) : t('ap_err_file_size_plain');
  }
  if (res.status === 0) return t('err_network');
  return problemText(res);
}

// ---- papers and their upload fields ----

const norm = (s) => String(s || '').normalize('NFC').trim().toLowerCase();

// The procedure's upload field for a paper named in a supplement request
// (its code, its name in either language, or the field's own name/label).
export function attachmentFor(proc, item) {
  const n = norm(item);
  const paper = proc.papers.find((p) => [p.code, p.name, p.name_en].some((x) => x && norm(x) === n));
  const byPaper = paper && proc.form.find((f) => f.type === 'attachment' && f.paper === paper.code);
  const byField = proc.form.find((f) => f.type === 'attachment' && [f.name, f.label, f.label_en].some((x) => x && norm(x) === n));
  return { paper: paper || null, field: byPaper || byField || null };
}

export const kindText = (p) => `${t(p.kind)}, ${copies(p.count)}`;

// ---- printable forms of a dossier ----

// Which forms 01-05 apply to the dossier as it is now (the server answers
// 409 for the others): [number, key of its name].
export function formsOf(d) {
  const out = [];
  if (d.received_at) out.push(['01', 'my_form_01']);
  if (d.supplement) out.push(['02', 'my_form_02']);
  if (d.refusal) out.push(['03', 'my_form_03']);
  if (d.extension) out.push(['04', 'my_form_04']);
  if (d.stop) out.push(['05', 'my_form_05']);
  return out;
}

export function formLink(code, no, key) {
  const lang = state.lang === 'en' ? '?lang=en' : '';
  return el('a', {
    href: `/api/v1/dossiers/${encodeURIComponent(code)}/forms/${no}.pdf${lang}`,
    download: `${code}-mau-${no}.pdf`, class: 'button', id: `form-${no}`,
    text: t(key),
  });
}
