// Admin console: brand settings (automatic message, reply time, snooze limit and budget, allowed
// origins), experts (invite, capacity, async cap, disable) and the live queue with who holds what;
// the sections for missions, payouts, satisfaction, reports and saved replies live in
// money.js, reports.js, replies.js, webhooks.js, stale.js (stale-work guardrails),
// widget-texts.js and search.js.

import { call, everyPage, h, relative } from '/lib/api.js';
import { live } from '/lib/live.js';
import { periodPicker } from '/lib/report.js';
import { moneySections } from '/admin/money.js';
import { reportSection } from '/admin/reports.js';
import { repliesEditor } from '/admin/replies.js';
import { widgetSection } from '/admin/widget-texts.js';
import { identitySection } from '/admin/identity.js';
import { emailSection } from '/admin/email.js';
import { hoursEditor } from '/admin/hours.js';
import { webhooksSection } from '/admin/webhooks.js';
import { staleSection } from '/admin/stale.js';
import { searchSection } from '/admin/search.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'ebb:admin:token';
const API = '/api/v1/admin';
const state = { token: localStorage.getItem(TOKEN_KEY), brand: null, experts: [], conversations: [], live: null };
const api = (method, path, body) => call(method, API + path, { token: state.token, body });

async function start() {
  const params = new URLSearchParams(location.search);
  $('login-brand').value = params.get('brand') || 'demo';
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logOut);
  $('settings').addEventListener('submit', saveSettings);
  $('invite').addEventListener('submit', invite);
  wireSections();
  if (state.token) {
    try { await enter(); return; } catch { localStorage.removeItem(TOKEN_KEY); }
  }
  $('login').hidden = false;
  $('login-email').focus();
}

/** Ends the session on the server (the token stops working everywhere), then forgets it. */
async function logOut() {
  try { await api('POST', '/logout'); } catch { /* an expired session is already over */ }
  localStorage.removeItem(TOKEN_KEY);
  location.reload();
}

async function login(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  $('login-error').textContent = '';
  try {
    const s = await call('POST', `${API}/login`, { body: { brand: f.get('brand'), email: f.get('email'), password: f.get('password') } });
    state.token = s.token;
    localStorage.setItem(TOKEN_KEY, s.token);
    await enter();
  } catch (err) {
    $('login-error').textContent = err.status === 401 ? 'Wrong brand, e-mail or password.' : `Could not log in: ${err.message}`;
  }
}

async function enter() {
  const me = await api('GET', '/me');
  state.brand = me.brand;
  $('brand-name').textContent = me.brand.name;
  $('who').textContent = me.admin.email;
  $('embed').textContent = `<script src="${location.origin}/widget.js" data-brand="${me.brand.slug}" async></script>`;
  // Shown once its data is in, so nothing typed early is overwritten by the first load
  // (and a failed load leaves the login form, with its error, in place).
  await Promise.all([loadSettings(), loadExperts(), loadConversations()]);
  $('login').hidden = true;
  $('app').hidden = false;
  state.live = live({ token: state.token, onEvent, poll: refresh, fastMs: 3000 });
}

function refresh() { return Promise.all([loadExperts(), loadConversations()]); }

let soon = 0;
function onEvent(ev) {
  if (ev.type === 'conversation' || ev.type === 'entry' || ev.type === 'presence') {
    clearTimeout(soon);
    soon = setTimeout(() => refresh().catch(() => {}), 200);
  }
}

// ---- Settings ------------------------------------------------------------------------------

async function loadSettings() {
  const s = await api('GET', '/settings');
  $('s-auto').value = s.auto_message;
  $('s-reply').value = s.typical_reply_time;
  $('s-snooze').value = s.max_snooze_days;
  $('s-grace').value = s.offline_grace_minutes;
  $('s-wait').value = s.woken_wait_minutes;
  $('s-budget').value = s.snooze_budget;
  $('s-budget-mode').value = s.snooze_budget_mode;
  $('s-retention').value = s.retention_days;
  $('s-country').checked = !!s.share_visitor_country;
  $('s-origins').value = (s.allowed_origins || []).join('\n');
}

async function saveSettings(e) {
  e.preventDefault();
  $('settings-error').textContent = '';
  $('settings-ok').textContent = '';
  const body = {
    auto_message: $('s-auto').value,
    typical_reply_time: $('s-reply').value.trim(),
    max_snooze_days: Number($('s-snooze').value),
    offline_grace_minutes: Number($('s-grace').value),
    woken_wait_minutes: Number($('s-wait').value),
    snooze_budget: Number($('s-budget').value),
    snooze_budget_mode: $('s-budget-mode').value,
    retention_days: Number($('s-retention').value),
    share_visitor_country: $('s-country').checked,
    allowed_origins: $('s-origins').value.split('\n').map((o) => o.trim()).filter(Boolean),
  };
  try {
    await api('PUT', '/settings', body);
    $('settings-ok').textContent = 'Saved.';
    await loadSettings();
  } catch (err) { $('settings-error').textContent = `Not saved: ${err.message}`; }
}

// ---- Experts -------------------------------------------------------------------------------

async function loadExperts() {
  state.experts = (await everyPage((p) => api('GET', p), '/experts', 'experts')).experts;
  $('experts').replaceChildren(...state.experts.map(expertRow));
  renderHoldings();
}

function expertRow(x) {
  const capacity = h('input', { type: 'number', min: '0', max: '50', value: String(x.capacity), 'aria-label': `Capacity of ${x.name}` });
  const save = h('button', { type: 'button', onclick: () => patchExpert(x, { capacity: Number(capacity.value) }) }, [document.createTextNode('Save')]);
  const cap = asyncCapControl(x);
  const toggle = h('button', {
    type: 'button', class: x.disabled ? '' : 'danger',
    onclick: () => patchExpert(x, { disabled: !x.disabled }),
  }, [document.createTextNode(x.disabled ? `Enable ${x.name}` : `Disable ${x.name}`)]);
  return h('tr', { 'data-expert': x.email }, [
    h('td', { text: x.name }),
    h('td', { text: x.email }),
    h('td', { text: x.disabled ? 'disabled' : x.pending ? 'invited (no password yet)' : x.status }),
    h('td', {}, [capacity, document.createTextNode(' '), save]),
    h('td', {}, cap),
    h('td', {}, [toggle]),
  ]);
}

/** The async cap editor of expert `x`: empty means no cap (real-time and async share every slot). */
function asyncCapControl(x) {
  const input = h('input', { type: 'number', min: '0', max: String(x.capacity), value: x.async_cap ?? '', placeholder: 'none', 'aria-label': `Async cap of ${x.name}` });
  const save = h('button', { type: 'button', onclick: () => patchExpert(x, { async_cap: input.value === '' ? null : Number(input.value) }) }, [document.createTextNode('Save')]);
  return [input, document.createTextNode(' '), save];
}

async function patchExpert(x, change) {
  try {
    await api('PATCH', `/experts/${x.id}`, change);
    $('announce').textContent = `${x.name} updated.`;
    await refresh();
  } catch (err) { $('invite-error').textContent = `${x.name}: ${err.message}`; }
}

async function invite(e) {
  e.preventDefault();
  const f = new FormData(e.target);
  $('invite-error').textContent = '';
  $('invite-link').hidden = true;
  try {
    const invited = await api('POST', '/experts', { name: f.get('name'), email: f.get('email'), capacity: Number(f.get('capacity')) });
    e.target.reset();
    $('invite-url').value = new URL(invited.invitation.path, location.origin).href;
    $('invite-link').hidden = false;
    $('announce').textContent = `${invited.name} invited: send them the link.`;
    await loadExperts();
  } catch (err) { $('invite-error').textContent = `Not invited: ${err.message}`; }
}

// ---- Live queue -----------------------------------------------------------------------------

async function loadConversations() {
  state.conversations = (await everyPage((p) => api('GET', p), '/conversations', 'conversations')).conversations;
  renderHoldings();
}

function renderHoldings() {
  const open = state.conversations.filter((c) => c.state.status !== 'closed');
  const queue = open.filter((c) => c.in_brand_queue);
  $('queue-size').textContent = String(queue.length);
  $('open-count').textContent = String(open.length);
  $('holdings').replaceChildren(...state.experts.map((x) => {
    const holds = open.filter((c) => c.slot_holder === x.id);
    const snoozed = open.filter((c) => c.state.status === 'snoozed' && c.state.expert === x.id);
    return h('tr', {}, [
      h('td', { text: x.name }),
      h('td', { text: x.disabled ? 'disabled' : x.pending ? 'invited (no password yet)' : x.status }),
      h('td', { text: `${x.slots.held} / ${x.slots.capacity}` }),
      h('td', { text: holds.map(visitorLabel).join(', ') || '—' }),
      h('td', { text: String(snoozed.length) }),
    ]);
  }));
  $('queue-list').replaceChildren(...(queue.length ? queue.map((c) => h('li', {
    text: `${visitorLabel(c)} · waiting since ${relative(c.created_at)}`,
  })) : [h('li', { class: 'muted', text: 'Nobody is waiting.' })]));
  $('open-conversations').replaceChildren(...open.map(conversationRow));
}

/** One open conversation with the admin's controls: reassign to an expert, send it back
 * to the brand queue (when someone owns it), close. */
function conversationRow(c) {
  const label = visitorLabel(c);
  const owner = c.state.expert || c.state.for_expert || null;
  const ownerName = state.experts.find((x) => x.id === owner)?.name || '—';
  const others = state.experts.filter((x) => !x.disabled && x.id !== owner);
  const pick = h('select', { 'aria-label': `Reassign ${label} to` }, others.map((x) => h('option', { value: x.id, text: x.name })));
  const act = (path, body, done) => async () => {
    $('move-error').textContent = '';
    try {
      await api('POST', `/conversations/${c.id}/${path}`, body);
      $('announce').textContent = done;
      await refresh();
    } catch (err) { $('move-error').textContent = `${label}: ${err.message}`; }
  };
  const button = (text, onclick, cls = '') => h('button', { type: 'button', class: cls, onclick }, [document.createTextNode(text)]);
  const controls = [];
  if (others.length) {
    controls.push(pick, document.createTextNode(' '),
      button('Reassign', () => act('reassign', { expert_id: pick.value }, `${label} reassigned.`)()));
  }
  if (owner) controls.push(document.createTextNode(' '), button('Unassign', act('unassign', undefined, `${label} is back in the queue.`)));
  controls.push(document.createTextNode(' '), button('Close', act('close', undefined, `${label} closed.`), 'danger'));
  return h('tr', { 'data-conversation': c.id }, [
    h('td', { text: label }),
    h('td', { text: c.state.status }),
    h('td', { text: ownerName }),
    h('td', {}, controls),
  ]);
}

/** A visitor's short name with their presence in shape and words (● on site, ○ away). */
function visitorLabel(c) {
  const presence = c.visitor_online ? '● on site' : '○ away';
  return `Visitor ${c.visitor_id.slice(-4).toUpperCase()} (${presence})`;
}

// ---- Sections: overview, missions, payouts, satisfaction, reports, saved replies ---------

const PERIOD_TABS = ['payouts', 'satisfaction', 'reports'];
const sections = {};
let tab = 'overview';
let picker = null;

function wireSections() {
  const announce = (text) => { $('announce').textContent = text; };
  const token = () => state.token;
  sections.money = moneySections({ api, token, experts: () => state.experts, announce });
  sections.report = reportSection({ api });
  sections.replies = repliesEditor({ api, announce });
  sections.hours = hoursEditor({ api, announce });
  sections.webhooks = webhooksSection({ api, announce });
  sections.stale = staleSection({ api, experts: () => state.experts, announce });
  const widget = widgetSection({ api, experts: () => state.experts, announce });
  const email = emailSection({ api, announce });
  sections.widget = { load: () => Promise.all([widget.load(), email.load()]) };
  sections.identity = identitySection({ api, announce });
  sections.search = searchSection({ api });
  picker = periodPicker($('period'), () => showTab(tab));
  for (const b of document.querySelectorAll('.tabs [data-tab]')) b.addEventListener('click', () => showTab(b.dataset.tab));
  $('payouts-csv').addEventListener('click', () => sections.money.csvDownload(picker.query()));
}

/** Shows one section (and the period bar for those that cover a period), then loads it. */
async function showTab(name) {
  tab = name;
  for (const b of document.querySelectorAll('.tabs [data-tab]')) {
    if (b.dataset.tab === name) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  for (const v of document.querySelectorAll('[data-view]')) v.hidden = v.dataset.view !== name;
  $('period').hidden = !PERIOD_TABS.includes(name);
  if (name === 'missions') await sections.money.loadMissions();
  if (name === 'replies') await sections.replies.load();
  if (name === 'hours') await sections.hours.load();
  if (name === 'webhooks') await sections.webhooks.load();
  if (name === 'stale') await sections.stale.load();
  if (name === 'widget') { sections.identity.hide(); await sections.widget.load(); }
  if (name === 'search') sections.search.focus();
  if (!PERIOD_TABS.includes(name)) return;
  if (!picker.period) {
    // The first time, the server picks the period (the last 30 days by its clock).
    const period = await sections.money.loadPayouts('');
    if (!period) return;
    picker.show(period);
  }
  const q = picker.query();
  $('period-status').textContent = '';
  if (name === 'payouts') await sections.money.loadPayouts(q);
  if (name === 'satisfaction') await sections.money.loadCsat(q);
  if (name === 'reports') await sections.report.load(q);
  $('period-status').textContent = 'Up to date.';
}

start();
