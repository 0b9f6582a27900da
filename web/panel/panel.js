// The expert panel's entry point: log in, load what the server decides (conversations,
// saved replies, suggestions), go live, and wire the page's controls to the modules.
// Message text is only ever set as textContent.

import { call } from '/lib/api.js';
import { $, state, api, announce, suggestionFor, TOKEN_KEY } from '/panel/state.js';
import { renderMeters } from '/panel/list.js';
import { loadSavedReplies } from '/panel/suggestion.js';
import { markRead, select } from '/panel/timeline.js';
import { loadList, startLive } from '/panel/sync.js';
import { sendReply, typing } from '/panel/composer.js';
import { closeMenu, menuKeys, openCustom, openMenu, snooze, submitCustom } from '/panel/snooze.js';
import { askClose, confirmClose } from '/panel/close.js';
import { earningsView } from '/panel/earnings.js';
import { wireNotify } from '/panel/notify.js';
import { wireShortcuts } from '/panel/shortcuts.js';
import { wireContext } from '/panel/context.js';
import { wireNotes } from '/panel/notes.js';
import { loadTags, wireTags } from '/panel/tags.js';
import { wireTransfer } from '/panel/transfer.js';
import { wireTranscript } from '/panel/transcript.js';
import { historyView } from '/panel/search.js';

async function start() {
  const params = new URLSearchParams(location.search);
  $('login-brand').value = params.get('brand') || localStorage.getItem('ebb:panel:brand') || 'demo';
  $('login-form').addEventListener('submit', login);
  state.signOut = () => { logoutLocal(); showLogin(); };
  const link = new URLSearchParams(location.hash.slice(1)).get('set-password');
  if (link) { showSetPassword(link); return; }
  $('set-password').remove();
  if (state.token) {
    try { await enter(); return; } catch { logoutLocal(); }
  }
  showLogin();
}

/** The page of an invitation or reset link: the expert chooses their password, then logs in. */
function showSetPassword(token) {
  $('app').hidden = true;
  $('set-password').hidden = false;
  $('new-password').focus();
  $('set-password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('set-password-error').textContent = '';
    try {
      const password = new FormData(e.target).get('password');
      await call('POST', '/api/v1/auth/password', { body: { brand: $('login-brand').value, token, password } });
      history.replaceState(null, '', location.pathname + location.search);
      $('set-password').remove();
      showLogin();
      $('login-password').value = '';
      $('login-error').textContent = 'Password set. Log in with it.';
    } catch (err) {
      $('set-password-error').textContent = err.status === 404 ? 'This link was already used or has expired; ask your admin for a new one.' : `Not set: ${err.message}`;
    }
  });
}

function showLogin() {
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-email').focus();
}

async function login(e) {
  e.preventDefault();
  const form = new FormData(e.target);
  $('login-error').textContent = '';
  try {
    const session = await call('POST', '/api/v1/auth/login', {
      body: { brand: form.get('brand'), email: form.get('email'), password: form.get('password') },
    });
    state.token = session.token;
    localStorage.setItem(TOKEN_KEY, session.token);
    localStorage.setItem('ebb:panel:brand', form.get('brand'));
    await enter();
  } catch (err) {
    $('login-error').textContent = err.status === 401 ? 'Wrong brand, e-mail or password.' : `Could not log in: ${err.message}`;
  }
}

/** Ends the session on the server (the expert goes offline, so new conversations go to
 * colleagues), then forgets it here. */
async function logOut() {
  try { await api('POST', '/logout'); } catch { /* an expired session is already over */ }
  logoutLocal();
  location.reload();
}

function logoutLocal() {
  state.token = null;
  localStorage.removeItem(TOKEN_KEY);
  if (state.live) state.live.stop();
}

async function enter() {
  const me = await api('GET', '/me');
  state.me = me.expert;
  state.maxSnoozeDays = me.max_snooze_days;
  state.slots = me.slots;
  state.queue = me.queue;
  $('who').textContent = `${me.expert.name} · ${me.expert.email}`;
  renderStatus();
  renderMeters();
  $('login').hidden = true;
  $('app').hidden = false;
  await Promise.all([loadSavedReplies(), loadList(), loadTags().catch(() => {})]);
  startLive();
  $('status').focus();
}

function renderStatus() {
  const available = state.me.status === 'available';
  $('status').setAttribute('aria-checked', String(available));
  $('status').classList.toggle('on', available);
  $('status-text').textContent = available ? 'Available' : 'Away';
  $('status').title = available ? 'You receive new conversations. Click to go away.' : 'You get no new conversations. Click to become available.';
}

async function toggleStatus() {
  const next = state.me.status === 'available' ? 'away' : 'available';
  try {
    await api('PUT', '/status', { status: next });
    state.me.status = next;
    renderStatus();
    announce(next === 'available' ? 'You are available.' : 'You are away.');
  } catch (err) { announce(`Could not change status: ${err.message}`); }
}

let earnings = null;
let past = null;
/** Switches between the conversations, the earnings and the history view. */
function showView(name) {
  const money = name === 'earnings';
  const hist = name === 'history';
  $('earnings').hidden = !money;
  $('history').hidden = !hist;
  $('conversations-view').hidden = money || hist;
  for (const [id, on] of [['view-earnings', money], ['view-history', hist], ['view-conversations', !money && !hist]]) {
    if (on) $(id).setAttribute('aria-current', 'page'); else $(id).removeAttribute('aria-current');
  }
  if (money) {
    earnings = earnings || earningsView(() => state.token);
    earnings.load();
    $('earnings').focus();
  }
  if (hist) {
    past = past || historyView(() => state.token);
    past.load();
    $('search-q').focus();
  }
}

/** A click on a suggestion's snooze or close button. */
function suggestionAction(e) {
  const action = e.target.closest('[data-action]')?.dataset.action;
  const s = state.selected && suggestionFor(state.selected);
  if (!action || !s) return;
  if (action === 'snooze' && s.snooze) snooze(s.snooze);
  if (action === 'close') askClose();
}

function wireComposer() {
  $('reply').addEventListener('submit', sendReply);
  $('reply-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendReply(); }
  });
  $('reply-text').addEventListener('input', typing);
  $('suggest-actions').addEventListener('click', suggestionAction);
  $('snooze-btn').addEventListener('click', () => ($('snooze-menu').hidden ? openMenu() : closeMenu(true)));
  $('snooze-btn').addEventListener('keydown', (e) => { if (e.key === 'ArrowDown') { e.preventDefault(); openMenu(); } });
  $('snooze-menu').addEventListener('keydown', menuKeys);
  $('snooze-menu').addEventListener('click', (e) => {
    const kind = e.target.closest('[data-snooze]')?.dataset.snooze;
    if (kind === 'custom' || kind === 'until_return') openCustom(kind);
    else if (kind) snooze({ kind });
  });
  document.addEventListener('click', (e) => { if (!e.target.closest('.menu-wrap')) closeMenu(false); });
  $('custom-form').addEventListener('submit', submitCustom);
  $('close-btn').addEventListener('click', askClose);
  $('close-confirm').addEventListener('click', confirmClose);
}

function wireDialogs() {
  $('learn-more').addEventListener('click', () => { $('learn-dialog').showModal(); $('learn-dialog').querySelector('[data-close]').focus(); });
  for (const d of document.querySelectorAll('dialog')) {
    d.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => d.close()));
  }
  // Return focus to the opener when a dialog closes (Escape included).
  for (const [dialog, opener] of [['learn-dialog', 'learn-more'], ['close-dialog', 'close-btn'], ['custom-dialog', 'snooze-btn'], ['transfer-dialog', 'transfer-btn']]) {
    $(dialog).addEventListener('close', () => { if (!$(opener).disabled) $(opener).focus(); else $('reply-text').focus(); });
  }
}

function wire() {
  $('view-conversations').addEventListener('click', () => showView('conversations'));
  $('view-earnings').addEventListener('click', () => showView('earnings'));
  $('view-history').addEventListener('click', () => showView('history'));
  $('status').addEventListener('click', toggleStatus);
  $('logout').addEventListener('click', logOut);
  $('conversations-view').querySelector('nav.list').addEventListener('click', (e) => {
    const id = e.target.closest('.conv-item')?.dataset.id;
    if (id) select(id);
  });
  wireComposer();
  wireDialogs();
  document.addEventListener('visibilitychange', () => { if (!document.hidden) markRead(); });
  wireNotify({ open: (id) => { showView('conversations'); select(id); } });
  wireShortcuts();
  wireContext();
  wireNotes();
  wireTags();
  wireTransfer();
  wireTranscript();
}

wire();
start();
