// app.js - the shell: strings, who is signed in, the menu, and the route
// table.  Each area of the application is a module loaded when one of its
// pages is first opened, so a page only transfers what it uses.
import { state, t, el, link, go, loadStrings, loadMe, setRouter, isOfficial, can, api } from './lib.js';

// [pattern, module, export].  Citizens' addresses are Vietnamese words
// (they are printed and read aloud); the captured groups are the arguments.
const ROUTES = [
  [/^\/$/, './pages/public.js', 'home'],
  [/^\/thu-tuc\/([^/]+)$/, './pages/public.js', 'procedure'],
  [/^\/tra-cuu$/, './pages/public.js', 'track'],
  [/^\/dang-nhap$/, './pages/account.js', 'login'],
  [/^\/dang-ky$/, './pages/account.js', 'signup'],
  [/^\/dang-ky-doanh-nghiep$/, './pages/account.js', 'signupBusiness'],
  [/^\/quen-mat-khau$/, './pages/account.js', 'forgot'],
  [/^\/can-bo\/cap-ma-dat-lai$/, './pages/reset-code.js', 'issue'],
  [/^\/nop-ho-so\/([^/]+)$/, './pages/apply.js', 'apply'],
  [/^\/ho-so-cua-toi$/, './pages/mine.js', 'list'],
  [/^\/ho-so-cua-toi\/([^/]+)$/, './pages/mine.js', 'detail'],
  [/^\/can-bo$/, './pages/office.js', 'queues'],
  [/^\/can-bo\/tiep-nhan$/, './pages/intake.js', 'intake'],
  [/^\/can-bo\/ho-so\/([^/]+)$/, './pages/dossier.js', 'dossier'],
  [/^\/thong-ke$/, './pages/stats.js', 'stats'],
  [/^\/dieu-hanh$/, './pages/dashboard.js', 'dashboard'],
  [/^\/quan-tri\/lich-nghi$/, './pages/calendar.js', 'holidays'],
  [/^\/can-bo\/van-ban$/, './pages/documents.js', 'work'],
  [/^\/can-bo\/van-ban\/([^/]+)$/, './pages/documents.js', 'doc'],
  [/^\/can-bo\/so-van-ban$/, './pages/documents.js', 'book'],
  [/^\/can-bo\/so-van-ban\/vao-so$/, './pages/documents.js', 'registerIn'],
  [/^\/can-bo\/du-thao$/, './pages/drafts.js', 'list'],
  [/^\/can-bo\/du-thao\/moi$/, './pages/drafts.js', 'create'],
  [/^\/can-bo\/du-thao\/(\d+)$/, './pages/drafts.js', 'draft'],
  [/^\/can-bo\/uy-quyen$/, './pages/drafts.js', 'delegations'],
  [/^\/can-bo\/lien-thong$/, './pages/exchange.js', 'inbox'],
  [/^\/can-bo\/lien-thong\/(\d+)$/, './pages/exchange.js', 'pkg'],
  [/^\/can-bo\/lay-y-kien$/, './pages/polls.js', 'list'],
  [/^\/can-bo\/lay-y-kien\/moi$/, './pages/polls.js', 'create'],
  [/^\/can-bo\/lay-y-kien\/(\d+)$/, './pages/polls.js', 'poll'],
  [/^\/can-bo\/chi-dao$/, './pages/directives.js', 'list'],
  [/^\/can-bo\/chi-dao\/nhiem-vu$/, './pages/directives.js', 'tasks'],
  [/^\/can-bo\/chi-dao\/moi$/, './pages/directives.js', 'create'],
  [/^\/can-bo\/chi-dao\/(\d+)$/, './pages/directives.js', 'directive'],
  [/^\/chung-thu-so$/, './pages/signatures.js', 'certificates'],
  [/^\/xac-thuc-chu-ky$/, './pages/signatures.js', 'verify'],
  [/^\/lich-cong-tac$/, './pages/schedule.js', 'publicWeek'],
  [/^\/can-bo\/lich-cong-tac$/, './pages/schedule.js', 'officeWeek'],
  [/^\/can-bo\/lich-cong-tac\/moi$/, './pages/schedule.js', 'eventForm'],
  [/^\/can-bo\/lich-cong-tac\/(\d+)$/, './pages/schedule.js', 'eventPage'],
  [/^\/can-bo\/lich-cong-tac\/(\d+)\/sua$/, './pages/schedule.js', 'eventForm'],
  [/^\/can-bo\/lich-cua-toi$/, './pages/schedule.js', 'mine'],
  [/^\/hop-thu$/, './pages/inbox.js', 'inbox'],
  [/^\/quan-tri\/thong-bao$/, './pages/inbox.js', 'deliveries'],
  [/^\/quan-tri\/dong-bo$/, './pages/portal.js', 'sync'],
  [/^\/quan-tri\/chuyen-giao$/, './pages/handoffs.js', 'list'],
  [/^\/phan-anh$/, './pages/feedback.js', 'list'],
  [/^\/phan-anh\/gui$/, './pages/feedback.js', 'form'],
  [/^\/phan-anh\/so-lieu$/, './pages/feedback.js', 'figures'],
  [/^\/phan-anh\/([^/]+)$/, './pages/feedback.js', 'report'],
  [/^\/can-bo\/phan-anh$/, './pages/feedback.js', 'work'],
  [/^\/can-bo\/phan-anh\/([^/]+)$/, './pages/feedback.js', 'handle'],
  [/^\/thanh-toan\/ket-qua$/, './pages/payments.js', 'returned'],
  [/^\/can-bo\/doi-soat$/, './pages/payments.js', 'reconcile'],
  [/^\/kho-du-lieu$/, './pages/personal.js', 'store'],
  [/^\/can-bo\/ho-so-lien-thong$/, './pages/linked.js', 'handovers'],
];

let teardown = null; // a page may return a function that stops its timers
let current = 0; // which call of route() drew the page on screen

// Each page is drawn into a container of its own.  A page still waiting on
// the network when the user goes elsewhere then draws into a container no
// longer on screen, instead of over the page the user went to; its timers
// are stopped as soon as it returns them.
async function route() {
  const gen = ++current;
  const view = el('div', { class: 'page' });
  if (typeof teardown === 'function') teardown();
  teardown = null;
  document.getElementById('view').replaceChildren(view);
  renderNav();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  for (const [re, mod, fn] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    const args = m.slice(1).map(decodeURIComponent);
    try {
      const module = await import(mod);
      const stop = await module[fn](view, ...args, new URLSearchParams(location.search));
      if (gen === current) teardown = stop;
      else if (typeof stop === 'function') stop();
    } catch (e) {
      // a module that failed to load (offline, a new release): say so
      view.replaceChildren(el('p', { class: 'error', role: 'alert', text: t('error') }));
      throw e;
    }
    return;
  }
  const { notFound } = await import('./pages/public.js');
  notFound(view);
}

// The menu depends on who is signed in and what they may do.
function renderNav() {
  const nav = document.getElementById('nav');
  const items = [];
  const here = location.pathname;
  const item = (href, key) => el('li', {}, link(href, t(key), here === href ? { 'aria-current': 'page' } : {}));
  if (!state.me) {
    items.push(item('/lich-cong-tac', 'nav_schedule_public'), item('/xac-thuc-chu-ky', 'nav_verify'), item('/dang-nhap', 'nav_login'), item('/dang-ky', 'nav_signup'));
    items.push(item('/phan-anh', 'nav_feedback'));
  } else {
    if (isOfficial()) {
      items.push(item('/can-bo', 'nav_queues'));
      if (can('dossier.intake')) items.push(item('/can-bo/tiep-nhan', 'nav_intake'));
      if (can('document.read')) items.push(item('/can-bo/van-ban', 'nav_documents'));
      if (can('document.register')) items.push(item('/can-bo/lien-thong', 'nav_exchange'));
      if (can('schedule.read')) items.push(item('/can-bo/lich-cong-tac', 'nav_schedule'));
      if (can('poll.manage') || can('poll.conclude') || (state.me.roles || []).includes('committee_member')) items.push(item('/can-bo/lay-y-kien', 'nav_polls'));
      if (can('directive.read')) items.push(item('/can-bo/chi-dao', 'nav_directives'));
      if (can('feedback.handle') || can('feedback.moderate')) items.push(item('/can-bo/phan-anh', 'nav_feedback_work'));
      if (can('payment.manage')) items.push(item('/can-bo/doi-soat', 'nav_payments'));
      if (can('dossier.read')) items.push(item('/can-bo/ho-so-lien-thong', 'nav_linked'));
      if (can('account.reset')) items.push(item('/can-bo/cap-ma-dat-lai', 'nav_reset_code'));
      if (can('stats.read')) items.push(item('/thong-ke', 'nav_stats'), item('/dieu-hanh', 'nav_dashboard'));
      items.push(item('/quan-tri/lich-nghi', 'nav_calendar'));
    } else {
      items.push(item('/ho-so-cua-toi', 'nav_mine'));
      items.push(item('/kho-du-lieu', 'nav_papers'));
      items.push(item('/phan-anh', 'nav_feedback'));
    }
    items.push(item('/hop-thu', 'nav_inbox'));
    if (can('notify.admin')) items.push(item('/quan-tri/thong-bao', 'nav_deliveries'));
    if (can('notify.admin')) items.push(item('/quan-tri/dong-bo', 'nav_portal_sync'));
    if (can('agency.manage')) items.push(item('/quan-tri/chuyen-giao', 'nav_handoffs'));
    items.push(item('/chung-thu-so', 'nav_certificates'));
    items.push(el('li', {}, el('button', { type: 'button', id: 'logout', class: 'linkish', text: t('nav_logout'), onclick: logout })));
  }
  nav.replaceChildren(el('ul', {}, ...items));
  const who = document.getElementById('who');
  who.textContent = state.me ? state.me.full_name : '';
}

async function logout() {
  await api('POST', '/api/v1/auth/logout', undefined, { noIdempotency: true });
  // drafts hold personal data: none stays behind on a shared computer
  for (const k of Object.keys(sessionStorage)) if (k.startsWith('draft:')) sessionStorage.removeItem(k);
  state.me = null;
  state.csrf = '';
  go('/');
}

document.getElementById('lang').addEventListener('click', async () => {
  state.lang = state.lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('lang', state.lang);
  await loadStrings();
  route();
});
window.addEventListener('popstate', route);
setRouter(route);
await Promise.all([loadStrings(), loadMe()]);
route();
