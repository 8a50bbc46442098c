// i18n.test.mjs - the strings of the web pages, checked without a browser:
// (a) web/i18n/vi and en have the same files with the same keys, no empty
// value, no key twice (in one file or in two area files: the files are
// merged into one table, so the second would silently win);
// (b) every key the scripts use exists: literal t('key') calls, keys chosen
// by a ternary, keys passed through a small helper or listed in an array
// that is mapped through t(), keys built from a prefix (t('st_' + status))
// for every value the API documents (docs/openapi.yaml) or the page lists,
// the data-i18n attributes of index.html, and every literal that looks
// like a key of an area (of_..., ap_..., sx_...);
// (c) no user-facing text is written into the scripts: no literal with a
// Vietnamese letter outside comments, and no literal words as an
// element's text, title, placeholder or aria-label.
//
// The scripts are read by a small tokenizer (strings, templates, comments,
// regular expressions), not by regular expressions over the source, so a
// key inside a template's ${...} is found and a comment is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = join(ROOT, 'web');
const LANGS = ['vi', 'en'];

// ---------------------------------------------------------------- strings

const areaFiles = (lang) => readdirSync(join(WEB, 'i18n', lang)).filter((f) => f.endsWith('.json')).sort();

// The keys of a flat JSON object in file order, duplicates included
// (JSON.parse keeps only the last of two equal keys).
function rawKeys(text) {
  const keys = [];
  const re = /"((?:[^"\\]|\\.)*)"\s*:/g;
  let m;
  while ((m = re.exec(text))) keys.push(JSON.parse(`"${m[1]}"`));
  return keys;
}

function loadArea(lang, file) {
  const text = readFileSync(join(WEB, 'i18n', lang, file), 'utf8');
  return { obj: JSON.parse(text), keys: rawKeys(text) };
}

// All strings of a language, merged as lib.js merges them.
function merged(lang) {
  return Object.assign({}, ...areaFiles(lang).map((f) => loadArea(lang, f).obj));
}

// ---------------------------------------------------------------- scripts

function jsFiles(dir = join(WEB, 'js')) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsFiles(p));
    else if (e.name.endsWith('.js') || e.name.endsWith('.mjs')) out.push(p);
  }
  return out.sort();
}

const MULTI = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=', '=>', '==', '!=', '<=', '>=',
  '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>'];
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw',
  'instanceof', 'yield', 'await']);

// Tokens: {type: 'str'|'tpl'|'tplend'|'ident'|'num'|'punct'|'regex', value, line}.
// A template is a 'tpl' token (chunks: its literal parts, hasExpr) then the
// tokens of its ${...} expressions, then a 'tplend' token.
export function tokenize(src) {
  const out = [];
  let i = 0, line = 1;
  const tpls = []; // open templates: {tok, depth} (depth: braces open when ${ began)
  let depth = 0;
  const regexOk = () => {
    const p = out[out.length - 1];
    if (!p) return true;
    if (p.type === 'punct') return ![')', ']', '}'].includes(p.value);
    if (p.type === 'ident') return REGEX_AFTER_WORD.has(p.value);
    return p.type === 'tpl' && p.open; // `${/re/}`
  };
  // Scan a template's literal part from i; stops after '`' or '${'.
  const chunk = (tok) => {
    let s = '';
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') { s += src[i + 1]; i += 2; continue; }
      if (c === '`') { i++; tok.chunks.push(s); out.push({ type: 'tplend', value: '`', line }); return; }
      if (c === '$' && src[i + 1] === '{') {
        i += 2; tok.chunks.push(s); tok.hasExpr = true;
        tpls.push({ tok, depth }); depth++;
        return;
      }
      if (c === '\n') line++;
      s += c; i++;
    }
    throw new Error(`unterminated template at line ${line}`);
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      line += (src.slice(i, stop).match(/\n/g) || []).length;
      i = stop;
      continue;
    }
    if (c === '\'' || c === '"') {
      let s = '';
      const at = line;
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          const n = src[i + 1];
          if (n === 'u') { s += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16)); i += 6; continue; }
          s += ({ n: '\n', t: '\t', r: '\r' })[n] ?? n;
          i += 2;
          continue;
        }
        s += src[i++];
      }
      i++;
      out.push({ type: 'str', value: s, line: at });
      continue;
    }
    if (c === '`') {
      i++;
      const tok = { type: 'tpl', value: '', chunks: [], hasExpr: false, line };
      out.push(tok);
      chunk(tok);
      tok.value = tok.chunks[0];
      continue;
    }
    if (c === '/' && regexOk()) {
      let inClass = false;
      const start = i++;
      while (i < src.length) {
        const d = src[i];
        if (d === '\\') { i += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        i++;
      }
      i++;
      while (/[a-z]/.test(src[i] || '')) i++;
      out.push({ type: 'regex', value: src.slice(start, i), line });
      continue;
    }
    const id = /^[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]*/.exec(src.slice(i, i + 100));
    if (id) { out.push({ type: 'ident', value: id[0], line }); i += id[0].length; continue; }
    const nm = /^\d[\w.]*/.exec(src.slice(i, i + 40));
    if (nm) { out.push({ type: 'num', value: nm[0], line }); i += nm[0].length; continue; }
    if (c === '}' && tpls.length && tpls[tpls.length - 1].depth === depth - 1) {
      depth--;
      const { tok } = tpls.pop();
      i++;
      chunk(tok);
      continue;
    }
    const op = MULTI.find((o) => src.startsWith(o, i)) || c;
    if (op === '{' || op === '(' || op === '[') depth++;
    if (op === '}' || op === ')' || op === ']') depth--;
    out.push({ type: 'punct', value: op, line });
    i += op.length;
  }
  return out;
}

const OPEN = new Set(['(', '[', '{']), CLOSE = new Set([')', ']', '}']);
const opens = (k) => (k.type === 'punct' && OPEN.has(k.value)) || k.type === 'tpl';
const closes = (k) => (k.type === 'punct' && CLOSE.has(k.value)) || k.type === 'tplend';
const is = (k, v) => k && k.type === 'punct' && k.value === v;
const isId = (k, v) => k && k.type === 'ident' && (v === undefined || k.value === v);

// The index of the token closing the one opened at i.
function matching(toks, i) {
  let d = 0;
  for (let j = i; j < toks.length; j++) {
    if (opens(toks[j])) d++;
    else if (closes(toks[j]) && --d === 0) return j;
  }
  return toks.length - 1;
}
// The matching opener of the closer at j, going backwards.
function matchingBack(toks, j) {
  let d = 0;
  for (let i = j; i >= 0; i--) {
    if (closes(toks[i])) d++;
    else if (opens(toks[i]) && --d === 0) return i;
  }
  return 0;
}

// The arguments of the call whose '(' is at i: arrays of tokens, split on
// top-level commas.
function callArgs(toks, i) {
  const end = matching(toks, i);
  const args = [];
  let cur = [], d = 0;
  for (let j = i + 1; j < end; j++) {
    const k = toks[j];
    if (d === 0 && is(k, ',')) { args.push(cur); cur = []; continue; }
    if (opens(k)) d++;
    else if (closes(k)) d--;
    cur.push(k);
  }
  if (cur.length) args.push(cur);
  return args;
}

// The literal string of a token list, or null.
function literal(arg) {
  if (arg.length === 1 && arg[0].type === 'str') return arg[0].value;
  if (arg.length === 2 && arg[0].type === 'tpl' && !arg[0].hasExpr) return arg[0].chunks[0];
  return null;
}

// The strings of an array literal whose '[' is at i (the first string of
// each element when `first` and the elements are arrays).
function arrayStrings(toks, i, first = false) {
  const out = [];
  for (const el of callArgs(toks, i)) {
    if (!first) { const s = literal(el); if (s != null) out.push(s); continue; }
    if (is(el[0], '[') && el[1] && el[1].type === 'str') out.push(el[1].value);
  }
  return out;
}

// The parameter list ('(' index) and name of the function whose body holds
// token i and that binds `name`, or null.  Looks backwards for
// `(... name ...) =>`, `name =>`, `function f(... name ...)` or
// `for (const name of [...])`.
function binding(toks, i, name) {
  for (let j = i - 1; j >= 0; j--) {
    const k = toks[j];
    if (isId(k, name) && is(toks[j + 1], '=>')) return { kind: 'param', open: j, index: 0, single: true };
    if (is(k, ')') && (is(toks[j + 1], '=>') || is(toks[j + 1], '{'))) {
      const o = matchingBack(toks, j);
      const fn = is(toks[j + 1], '{') ? (isId(toks[o - 1]) && isId(toks[o - 2], 'function') ? o : -1) : o;
      if (fn < 0) continue;
      const params = callArgs(toks, o);
      for (let p = 0; p < params.length; p++) {
        const ps = params[p];
        if (isId(ps[0], name) && (ps.length === 1 || is(ps[1], '=')))
          return { kind: 'param', open: o, index: p, fallback: is(ps[1], '=') ? literal(ps.slice(2)) : null };
        if (is(ps[0], '[') && isId(ps[1], name)) return { kind: 'param', open: o, index: p, destructFirst: true };
      }
    }
    if (isId(k, 'of') && isId(toks[j - 1], name) && is(toks[j + 1], '[')) return { kind: 'array', open: j + 1 };
  }
  return null;
}

// Which strings may reach t(name) at token i?  [] when it cannot tell.
function valuesOf(toks, i, name, consts, all) {
  const b = binding(toks, i, name);
  if (!b) return [];
  if (b.kind === 'array') return arrayStrings(toks, b.open);
  const o = b.open;
  // xs.map((k) => ...), [..].forEach(k => ...)
  const call = b.single ? o - 1 : o - 1;
  if (is(toks[call], '(') && isId(toks[call - 1]) && ['map', 'forEach', 'filter', 'flatMap'].includes(toks[call - 1].value)
      && is(toks[call - 2], '.')) {
    let r = call - 3;
    // xs.filter(...).map(...): the array is the receiver of the chain
    while (is(toks[r], ')') && isId(toks[matchingBack(toks, r) - 1]) && is(toks[matchingBack(toks, r) - 2], '.'))
      r = matchingBack(toks, r) - 3;
    const recv = toks[r];
    if (is(recv, ']')) return arrayStrings(toks, matchingBack(toks, r), b.destructFirst);
    if (isId(recv) && consts.has(recv.value)) {
      const c = consts.get(recv.value);
      return arrayStrings(c.toks, c.open, b.destructFirst);
    }
    return [];
  }
  // const f = (a, key) => ...   /   function f(a, key) { ... }
  let fname = null;
  if (is(toks[o - 1], '=') && isId(toks[o - 2])) fname = toks[o - 2].value;
  else if (isId(toks[o - 1]) && isId(toks[o - 2], 'function')) fname = toks[o - 1].value;
  if (!fname) return [];
  const out = b.fallback != null ? [b.fallback] : [];
  // the calls in this file, and in every file if the function is exported
  const exported = isId(toks[o - 3], 'export') || isId(toks[o - 4], 'export');
  for (const other of exported ? all.map((p) => p.toks) : [toks]) {
    for (let j = 0; j < other.length; j++) {
      if (isId(other[j], fname) && is(other[j + 1], '(') && !is(other[j - 1], '.') && !isId(other[j - 1], 'function')) {
        const arg = callArgs(other, j + 1)[b.index];
        const s = arg && literal(arg);
        if (s != null) out.push(s);
      }
    }
  }
  return out;
}

// Every use of t() in the scripts.
function scanScripts() {
  const uses = []; // {file, line, key} | {file, line, prefix, values} | {file, line, expr}
  const literals = []; // every string literal / template part: {file, line, value, context}
  const files = jsFiles();
  const parsed = files.map((f) => ({ file: relative(ROOT, f), toks: tokenize(readFileSync(f, 'utf8')) }));
  for (const { file, toks } of parsed) {
    // const NAME = [ ... ] (top-level arrays of strings, for xs.map(k => t(k)))
    const consts = new Map();
    for (let j = 0; j + 3 < toks.length; j++)
      if ((isId(toks[j], 'const') || isId(toks[j], 'let')) && isId(toks[j + 1]) && is(toks[j + 2], '=') && is(toks[j + 3], '['))
        consts.set(toks[j + 1].value, { toks, open: j + 3 });
    for (let j = 0; j < toks.length; j++) {
      const k = toks[j];
      if (k.type === 'str') literals.push({ file, line: k.line, value: k.value, before: toks.slice(Math.max(0, j - 3), j) });
      if (k.type === 'tpl') for (const c of k.chunks) literals.push({ file, line: k.line, value: c, before: toks.slice(Math.max(0, j - 3), j), tpl: true });
      if (!(isId(k, 't') && is(toks[j + 1], '(')) || is(toks[j - 1], '.') || isId(toks[j - 1], 'function')) continue;
      const arg = callArgs(toks, j + 1)[0] || [];
      const at = { file, line: k.line };
      const lit = literal(arg);
      if (lit != null) { uses.push({ ...at, key: lit }); continue; }
      // 'prefix_' + x   /   `prefix_${x}`
      let prefix = null, expr = null;
      if (arg[0]?.type === 'str' && is(arg[1], '+')) { prefix = arg[0].value; expr = arg.slice(2); }
      if (arg[0]?.type === 'tpl' && arg[0].hasExpr && arg[0].chunks.length === 2 && arg[0].chunks[1] === '') {
        prefix = arg[0].chunks[0];
        expr = arg.slice(1, -1);
      }
      if (prefix != null) {
        const values = expr.length === 1 && isId(expr[0]) ? valuesOf(toks, j, expr[0].value, consts, parsed) : [];
        uses.push({ ...at, prefix, values, expr: expr.map((x) => x.value).join('') });
        continue;
      }
      // cond ? 'a' : 'b'
      const alts = [];
      for (let p = 1; p < arg.length; p++)
        if ((is(arg[p - 1], '?') || is(arg[p - 1], ':')) && arg[p].type === 'str' && (p + 1 === arg.length || is(arg[p + 1], ':')))
          alts.push(arg[p].value);
      if (alts.length) { for (const a of alts) uses.push({ ...at, key: a }); continue; }
      if (arg.length === 1 && isId(arg[0])) {
        const values = valuesOf(toks, j, arg[0].value, consts, parsed);
        if (values.length) { for (const v of values) uses.push({ ...at, key: v, via: arg[0].value }); continue; }
      }
      uses.push({ ...at, expr: arg.map((x) => x.value).join('') });
    }
  }
  return { uses, literals };
}

// ---------------------------------------------------------------- the API's values

const OPENAPI = readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8');
// The values of the first `enum: [...]` on a line that matches `re`.
function enumOf(re) {
  for (const l of OPENAPI.split('\n')) {
    if (!re.test(l)) continue;
    const m = /enum:\s*\[([^\]]*)\]/.exec(l);
    if (m) return m[1].split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
  }
  throw new Error(`docs/openapi.yaml: no enum on a line matching ${re}`);
}

const STATUSES = enumOf(/^\s*status: .*\bsubmitted\b.*\bin_progress\b/);
const ACTIONS = enumOf(/name: action, in: path.*\breceive\b/);
const QUEUES = enumOf(/name: name, in: path.*\breceive\b.*\boverdue\b/);
const RESULTS = enumOf(/^\s*result_status:/);
const LEVELS = enumOf(/^\s*level: .*\bcommune\b/);
const ONLINE = enumOf(/^\s*online_level:/);
const UNITS = enumOf(/^\s*unit: .*\bworking_day\b/);
const CHANNELS = enumOf(/^\s*channel: .*\bpost\b/); // a fee's channel
const KINDS = enumOf(/^\s*kind: .*\bcertified_copy\b/);
const ROLES = enumOf(/^\s*role: .*\bspecialist\b/);
const RETURNS = enumOf(/^\s*return_method:/);
// An official acts on a dossier with every action but the applicant's
// withdrawal; the last forward is shown as an approval.
// official documents (documents.js)
const DOC_URGENCIES = enumOf(/^\s*enum: \[normal, khan\b/);
const DOC_SECRECIES = enumOf(/^\s*enum: \[none, mat\b/);
const DOC_STATUSES = enumOf(/^\s*status: .*\bregistered\b.*\bdirected\b/);
const DOC_MEDIA = enumOf(/^\s*medium: .*\belectronic\b/);
const DOC_TASKS = enumOf(/^\s*kind: .*\bcoordinate\b.*\binform\b/);
const DOC_INBOX = enumOf(/name: state, in: query.*\bunopened\b/);
const DOC_ACTIONS = enumOf(/^\s*items: .*\bsend_to_leader\b/);
const DRAFT_LISTS = enumOf(/name: state, in: query.*\bto_review\b/);
const DRAFT_STATUSES = enumOf(/^\s*status: .*\breviewing\b.*\bsigned\b/);
const DRAFT_ROLES = enumOf(/^\s*steps: .*\boffice_head\b/);
const DELEGATION_FORMS = enumOf(/^\s*form: .*\bKT\b.*\bTUQ\b/);
const DRAFT_ACTIONS = enumOf(/^\s*actions: .*\brevise\b.*\bissue\b/);
const OFFICIAL_ACTIONS = [...ACTIONS.filter((a) => a !== 'withdraw'), 'approve'];

// Keys built from a prefix and a value the page cannot list itself.  A
// prefix whose values the scan finds (a helper called with literals, an
// array mapped through t()) needs no entry; any other prefix must be here.
const FAMILIES = {
  st_: STATUSES,
  online_: ONLINE,
  level_: LEVELS,
  ap_return_: RETURNS,
  of_return_: RETURNS,
  of_act_: OFFICIAL_ACTIONS,
  of_confirm_: [...OFFICIAL_ACTIONS, 'extend_ask'],
  of_done_: [...OFFICIAL_ACTIONS, 'extend_ask'],
  // the events of a dossier: the actions, its submission online or at a
  // counter, an official's view, and an approval
  of_ev_: [...ACTIONS, 'submit', 'intake', 'intake_incomplete', 'view', 'approve'],
  of_role_: ROLES,
  of_q_: QUEUES,
  of_qh_: QUEUES,
  // office.js dueState(): late, less than a working day left, or not
  of_due_: ['late', 'soon', 'ok'],
  sx_by_: ['agency', 'procedure'],
  sx_pick_: ['month', 'quarter', 'year'],
  // papers.js itemBadge(): the state of an item of a request for papers
  sup_item_: ['requested', 'answered', 'received', 'missing'],
  // mine.js: when a dossier ended without a result
  my_ended_: ['refused', 'withdrawn', 'stopped'],
  // office.js: the list behind a dashboard figure (?late=)
  of_scope_late_: ['deadline', 'reception', 'all'],
  dc_urg_: DOC_URGENCIES,
  // inbox.js: a delivery's channel and state (the operator's page)
  nd_ch_: ['email', 'sms'],
  nd_st_: ['pending', 'sending', 'sent', 'dead'],
  // handoffs.js: a hand-over's state (the operator's page)
  hf_st_: enumOf(/^\s*state: .*\[pending, sending, delivered, failed\]/),
  // signatures.js: a certificate's state, what was just done, the reasons
  // of a revocation offered, a certificate's status at a signature's time
  sg_status_: ['valid', 'revoked', 'expired'],
  // exchange.js: a package's state (and the tabs), a status message's
  // code, what was just done and the buttons that do it
  xc_state_: ['arrived', 'registered', 'refused', 'revoked', 'queued', 'delivered', 'failed'],
  xc_tab_: ['arrived', 'registered', 'refused', 'revoked', 'queued', 'delivered', 'failed'],
  xc_code_: ['01', '02', '03', '04', '05', '06', '13', '15', '16'],
  xc_done_: ['register', 'refuse', 'revoke', 'answer'],
  xc_act_: ['register', 'refuse', 'revoke', 'answer'],
  sg_done_: ['issued', 'pin', 'revoked'],
  sg_reason_: ['0', '1', '5'],
  vf_cert_: ['good', 'expired', 'revoked', 'untrusted'],
  // polls (polls.js): an answer's choice, a poll's status, the rule for
  // silence, what was just done
  pl_choice_: ['agree', 'disagree', 'other'],
  pl_status_: ['open', 'closed'],
  pl_silence_: ['agree', 'none'],
  pl_done_: ['open', 'answer', 'conclude'],
  // payments (payments.js): a payment's state, when it is owed, how it was
  // paid, what was just done, a difference of the reconciliation
  py_status_: ['requested', 'paid', 'failed', 'refunded'],
  py_stage_: ['receipt', 'return'],
  py_method_: ['vnpay', 'vietqr', 'cash'],
  py_done_: ['record', 'refund'],
  py_un_: ['paid_twice', 'refund_due'],
  // portal.js: a synchronisation's state (the operator's page)
  ps_st_: ['pending', 'sending', 'accepted', 'failed'],
  // portal.js: the national portal's status of a dossier (TrangThaiHoSo; 0: none)
  ps_tt_: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
  // linked procedures (linked.js): the parts of 3.000722 and 2.002913, their states
  lk_part_: ['birth', 'residence', 'insurance', 'death', 'residence_removal', 'funeral', 'funeral_support'],
  lk_state_: ['waiting', 'started', 'done', 'refused', 'cancelled'],
  dc_sec_: DOC_SECRECIES,
  dc_st_: DOC_STATUSES,
  dc_medium_: DOC_MEDIA,
  dc_kind_: DOC_TASKS,
  dc_tab_: DOC_INBOX,
  dc_tab_hint_: DOC_INBOX,
  dc_none_: DOC_INBOX,
  dc_done_: DOC_ACTIONS,
  // the trail: the registration, an official's first opening, the actions
  dc_ev_: ['register', 'view', 'deliver', ...DOC_ACTIONS],
  // drafts (drafts.js)
  df_tab_: DRAFT_LISTS,
  df_none_: DRAFT_LISTS,
  df_st_: DRAFT_STATUSES,
  df_role_: DRAFT_ROLES,
  // a step of the chain: not reached yet, waiting (opened or not), done
  df_ch_: ['ahead', 'waiting', 'opened', 'approved', 'returned'],
  df_ev_: ['create', 'revise', 'submit', 'approve', 'return', 'sign', 'issue'],
  df_done_: ['create', ...DRAFT_ACTIONS],
  dl_form_: DELEGATION_FORMS,
  dl_done_: ['create', 'revoke'],
  // documents.js dueOf(): past the deadline, within 3 days
  dc_due_: ['late', 'soon'],
  // the register's choice of direction ('' is all)
  dc_dir_: ['all', 'in', 'out'],
  // schedule.js: the days of a week, a week's states and acts, what was
  // just done, an invitee's answers
  sc_dow_: ['0', '1', '2', '3', '4', '5', '6'],
  sc_state_: ['draft', 'submitted', 'approved', 'published'],
  sc_act_: ['submit', 'approve', 'return', 'publish'],
  sc_done_: ['submit', 'approve', 'return', 'publish', 'create', 'edit', 'cancel', 'answer'],
  sc_answer_: ['attend', 'deputy', 'absent'],
  // directives.js: a task's state (and a directive's), the tabs, the
  // source of a directive, the actions on a task, the trail's events
  dr_state_: ['open', 'done', 'not_started', 'in_progress', 'done_on_time', 'done_late', 'overdue'],
  dr_tab_: ['open', 'overdue', 'extension', 'done'],
  dr_task_tab_: ['open', 'overdue', 'done_on_time', 'done_late'],
  dr_source_: ['notice', 'meeting', 'document'],
  dr_act_: ['report', 'finish', 'extend', 'approve', 'refuse'],
  dr_done_: ['create', 'report', 'finish', 'extend', 'approve', 'refuse'],
  dr_event_: ['create', 'report', 'finish', 'extension_ask', 'extension_approve', 'extension_refuse'],
};
// Values used as keys by themselves: t(p.kind), t(f.channel), t(s.result)...
const BARE = [...RESULTS, ...UNITS, ...CHANNELS, ...KINDS];

// ---------------------------------------------------------------- tests

test('vi and en have the same string files with the same keys, no empty value, no key twice', () => {
  assert.deepEqual(areaFiles('en'), areaFiles('vi'), 'the same area files in web/i18n/vi and web/i18n/en');
  const problems = [];
  for (const lang of LANGS) {
    const where = new Map();
    for (const f of areaFiles(lang)) {
      const { obj, keys } = loadArea(lang, f);
      const seen = new Set();
      for (const k of keys) {
        if (seen.has(k)) problems.push(`${lang}/${f}: "${k}" is defined twice in the file`);
        seen.add(k);
        if (where.has(k) && where.get(k) !== f) problems.push(`${lang}: "${k}" is in ${where.get(k)} and in ${f} (keys are global: one file each)`);
        where.set(k, f);
        const v = obj[k];
        if (typeof v !== 'string' || !v.trim()) problems.push(`${lang}/${f}: "${k}" is empty or not a string`);
      }
    }
  }
  for (const f of areaFiles('vi')) {
    const vi = loadArea('vi', f).obj, en = loadArea('en', f).obj;
    for (const k of Object.keys(vi)) if (!(k in en)) problems.push(`en/${f} lacks "${k}"`);
    for (const k of Object.keys(en)) if (!(k in vi)) problems.push(`vi/${f} lacks "${k}"`);
    // the same {placeholders} in both languages
    for (const k of Object.keys(vi)) {
      if (!(k in en)) continue;
      const ph = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
      if (ph(vi[k]) !== ph(en[k])) problems.push(`${f} "${k}": placeholders differ: vi {${ph(vi[k])}} en {${ph(en[k])}}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the tokenizer finds keys in templates and ternaries, not in comments or regular expressions', () => {
  const src = "// t('no_comment')\n/* t('no_block') */\nconst r = /t\\('no_re'\\)/; const a = x ? 'y' : 'z';\n" +
    "el('p', {}, `${t('in_tpl')}: ${n}`, t(ok ? 'yes_k' : 'no_k'), t('st_' + s), t(`db_k_${key}`));\n" +
    "['a_k', 'b_k'].map((k) => t(k)); const kpi = (key, v) => t(`db_k_${key}`); kpi('rate', 1);";
  const toks = tokenize(src);
  const strs = toks.filter((k) => k.type === 'str').map((k) => k.value);
  assert.ok(!strs.includes('no_comment') && !strs.includes('no_block') && !strs.includes('no_re'));
  assert.ok(strs.includes('in_tpl') && strs.includes('yes_k'));
  assert.deepEqual(toks.find((k) => k.type === 'regex')?.value, "/t\\('no_re'\\)/");
  assert.equal(toks.filter((k) => k.type === 'tpl').length, 3);
});

test('every key the scripts use is in the strings of both languages', () => {
  const { uses } = scanScripts();
  const problems = [];
  const need = new Map(); // key -> where
  const want = (key, where) => { if (!need.has(key)) need.set(key, where); };
  for (const u of uses) {
    const where = `${u.file}:${u.line}`;
    if (u.key != null) want(u.key, where);
    else if (u.prefix != null) {
      const fam = FAMILIES[u.prefix];
      if (!fam && !u.values.length) {
        problems.push(`${where}: t('${u.prefix}' + ${u.expr}) builds keys from values this test does not know: add the prefix to FAMILIES`);
        continue;
      }
      for (const v of [...(fam || []), ...u.values]) want(u.prefix + v, `${where} (${u.prefix} + ${v})`);
    }
  }
  for (const v of BARE) want(v, 'a value shown as it comes (t(p.kind), t(f.channel), t(s.result)...)');
  // index.html's data-i18n and data-i18n-aria
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  for (const m of html.matchAll(/data-i18n(?:-aria)?="([^"]+)"/g)) want(m[1], 'web/index.html');
  if (process.env.I18N_DEBUG) for (const u of uses) if (u.key == null && u.prefix == null) console.log(`unchecked: ${u.file}:${u.line} t(${u.expr})`);
  assert.ok(need.size > 300, `the scan found only ${need.size} keys: the tokenizer is broken`);
  for (const lang of LANGS) {
    const strings = merged(lang);
    for (const [k, where] of need) if (!(k in strings)) problems.push(`${lang}: "${k}" is missing (${where})`);
  }
  assert.deepEqual(problems, []);
});

test('every literal that looks like a key of an area is a key', () => {
  const { literals } = scanScripts();
  const strings = merged('vi');
  // the prefixes of the areas' keys: of_, ap_, my_, sx_, db_, acc_...
  const count = new Map();
  for (const k of Object.keys(strings)) {
    const m = /^([a-z]{2,3})_/.exec(k);
    if (m) count.set(m[1], (count.get(m[1]) || 0) + 1);
  }
  const prefixes = [...count].filter(([p, n]) => n >= 10 && p !== 'in').map(([p]) => p);
  assert.ok(prefixes.includes('of') && prefixes.includes('sx'), `prefixes found: ${prefixes}`);
  const re = new RegExp(`^(${prefixes.join('|')})_[a-z0-9_]*[a-z0-9]$`);
  const problems = literals.filter((l) => !l.tpl && re.test(l.value) && !(l.value in strings))
    .map((l) => `${l.file}:${l.line}: '${l.value}' looks like a key but is not in the strings`);
  assert.deepEqual(problems, []);
});

// Vietnamese letters that English has not (and the capitals).
const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

test('no Vietnamese text is written into the scripts (outside comments)', () => {
  const { literals } = scanScripts();
  // The currency sign of the đồng (lib.js money()) is the same in both languages.
  const allowed = (l) => l.value.trim() === 'đ';
  const found = literals.filter((l) => VIETNAMESE.test(l.value) && !allowed(l))
    .map((l) => `${l.file}:${l.line}: ${JSON.stringify(l.value)}`);
  assert.deepEqual(found, [], 'user-facing text belongs in web/i18n/{vi,en}/*.json, read with t()');
});

test('no words are written into the scripts as text, title, placeholder or aria-label', () => {
  const { literals } = scanScripts();
  const ATTRS = new Set(['text', 'title', 'placeholder', 'alt', 'aria-label', 'aria-description', 'aria-roledescription', 'textContent']);
  const found = [];
  for (const l of literals) {
    const [a, b] = l.before.slice(-2);
    const attr = (is(b, ':') && (isId(a) || a?.type === 'str') && ATTRS.has(a.value)) ||
      (is(b, '=') && isId(a) && ATTRS.has(a.value));
    // a word of two letters or more (not a date mask like dd/mm/yyyy)
    if (attr && /[A-Za-z]{2,}/.test(l.value) && !/^[dmy]+([/.-][dmy]+)+$/i.test(l.value)) found.push(`${l.file}:${l.line}: ${a.value}: ${JSON.stringify(l.value)}`);
  }
  assert.deepEqual(found, [], 'user-facing text belongs in web/i18n/{vi,en}/*.json, read with t()');
});

// The messages the delivery worker sends (web/i18n/notify/{vi,en}.json):
// the same events in both languages, each with a subject and a text, the
// same placeholders in both, and SMS texts without diacritics (GSM-7).
test('the notification templates: both languages, the same placeholders, SMS in plain letters', () => {
  const load = (l) => JSON.parse(readFileSync(join(WEB, 'i18n', 'notify', `${l}.json`), 'utf8'));
  const vi = load('vi'), en = load('en');
  assert.deepEqual(Object.keys(en).sort(), Object.keys(vi).sort());
  const holes = (s) => [...s.matchAll(/\{([a-z_0-9]+)\}/g)].map((m) => m[1]).sort();
  const problems = [];
  for (const k of Object.keys(vi)) {
    if (!vi[k].trim() || !en[k].trim()) problems.push(`${k}: empty`);
    if (JSON.stringify(holes(vi[k])) !== JSON.stringify(holes(en[k]))) problems.push(`${k}: placeholders differ`);
    if (k.endsWith('.sms') && (/[^\x20-\x7e]/.test(vi[k]) || /[^\x20-\x7e]/.test(en[k]))) problems.push(`${k}: not plain ASCII`);
  }
  for (const ev of new Set(Object.keys(vi).map((k) => k.replace(/\.[a-z]+$/, '')))) {
    if (!vi[`${ev}.subject`] || !vi[`${ev}.text`]) problems.push(`${ev}: a subject and a text are needed`);
  }
  assert.deepEqual(problems, []);
});
