// The expert panel: log in, see the conversations you own (with live visitor presence),
// your slots and the queue, reply, snooze, close. Message text is only set as textContent.

import { call, clientId, h, relative, when, ApiError } from '/lib/api.js';
import { live } from '/lib/live.js';
import { earningsView } from '/panel/earnings.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'ebb:panel:token';
const API = '/api/v1/expert';

// Used when the server offers no saved replies of its own.
const FALLBACK_REPLIES = [
  { key: 'nudge', title: 'Nudge', body: "Still with me? Take your time, I'm right here when you want to continue." },
  { key: 'announce_snooze', title: 'Announce snooze', body: "It seems you're busy right now, which is fine! I'm pausing our chat for the moment: write here whenever you like and I'll get back to you." },
  { key: 'goodbye_survey', title: 'Goodbye + survey', body: "As I haven't heard back, I'm closing this conversation for now. Thanks for getting in touch, you're welcome to write again any time. Could you rate this conversation? It helps us a lot." },
];

const STEP_TEXT = {
  reply: 'The visitor is waiting for your answer.',
  wait: 'The visitor is on the site: give them a moment to answer.',
  nudge: 'No answer yet: remind the visitor you are still here.',
  announce_and_snooze: 'The visitor has gone quiet: tell them you will pause the chat, then snooze it for 1 day.',
  snooze_again: 'The snooze ended without an answer: snooze once more for 1 day.',
  close_with_goodbye: 'Still no answer after two snoozes: say goodbye, ask for the survey, then close.',
};

const state = {
  token: localStorage.getItem(TOKEN_KEY),
  me: null,
  conversations: [],
  online: new Map(), // visitor id -> bool
  selected: null,
  entries: [],
  seq: 0,
  read: { visitor: 0, expert: 0 },
  savedReplies: FALLBACK_REPLIES,
  known: null, // ids of conversations already announced
  unseen: 0,
  live: null,
  maxSnoozeDays: 30,
  suggestions: null, // id -> suggestion, from the server
};

// ---- Session ---------------------------------------------------------------------------

const api = (method, path, body) => call(method, API + path, { token: state.token, body });

async function start() {
  const params = new URLSearchParams(location.search);
  $('login-brand').value = params.get('brand') || localStorage.getItem('ebb:panel:brand') || 'demo';
  $('login-form').addEventListener('submit', login);
  if (state.token) {
    try { await enter(); return; } catch { logoutLocal(); }
  }
  showLogin();
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

function logoutLocal() {
  state.token = null;
  localStorage.removeItem(TOKEN_KEY);
  if (state.live) state.live.stop();
}

async function enter() {
  const me = await api('GET', '/me');
  state.me = me.expert;
  if (me.brand && me.brand.settings) state.maxSnoozeDays = me.brand.settings.max_snooze_days || 30;
  $('who').textContent = `${me.expert.name} · ${me.expert.email}`;
  renderStatus();
  $('login').hidden = true;
  $('app').hidden = false;
  await loadSavedReplies();
  await refreshList();
  state.live = live({ token: state.token, onEvent, poll });
  $('status').focus();
}

async function loadSavedReplies() {
  try {
    const res = await api('GET', '/saved-replies');
    const list = res.saved_replies || res;
    if (Array.isArray(list) && list.length) state.savedReplies = list.map((r) => ({ key: r.key, title: r.title, body: r.body || r.text }));
  } catch { /* the server has none: keep the built-in ones */ }
}

// ---- Status and meters ----------------------------------------------------------------

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
    await refreshList();
  } catch (err) { announce(`Could not change status: ${err.message}`); }
}

function announce(text) { $('announce').textContent = text; }

// ---- Conversation list ------------------------------------------------------------------

async function poll() {
  await refreshList();
  if (state.selected) await fetchEntries();
}

let listQueued = 0;
function refreshSoon() {
  clearTimeout(listQueued);
  listQueued = setTimeout(() => refreshList().catch(() => {}), 150);
}

async function refreshList() {
  let res;
  let suggestions;
  try {
    [res, suggestions] = await Promise.all([
      api('GET', '/conversations'),
      api('GET', '/suggestions').catch(() => null),
    ]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { logoutLocal(); showLogin(); }
    throw err;
  }
  state.suggestions = suggestions ? suggestions.suggestions : null;
  state.conversations = res.conversations;
  for (const c of res.conversations) if (typeof c.visitor_online === 'boolean') state.online.set(c.visitor_id, c.visitor_online);
  $('slots').textContent = `${res.slots.held} / ${res.slots.capacity}`;
  $('queue').textContent = String(res.queue);
  noticeNew();
  renderList();
  if (state.selected) {
    const c = state.conversations.find((x) => x.id === state.selected);
    if (c) renderHeader(c);
  }
}

function bucket(c) {
  if (c.state.status === 'assigned') return 'active';
  if (c.state.status === 'snoozed') return 'snoozed';
  if (c.state.status === 'queued') return 'waiting';
  return 'closed';
}

function label(c) { return `Visitor ${c.visitor_id.slice(-4).toUpperCase()}`; }

function expired(c) {
  const wake = c.state.wake;
  return wake === 'snooze_expired';
}

function presence(c) {
  const on = state.online.get(c.visitor_id);
  if (on === undefined) return h('span', { class: 'dot unknown', role: 'img', 'aria-label': 'presence unknown' });
  return h('span', { class: `dot ${on ? 'online' : 'offline'}`, role: 'img', 'aria-label': on ? 'visitor online' : 'visitor away' });
}

function renderList() {
  const groups = { active: [], waiting: [], snoozed: [] };
  for (const c of state.conversations) {
    const b = bucket(c);
    if (groups[b]) groups[b].push(c);
  }
  groups.snoozed.sort((a, b) => a.state.until.localeCompare(b.state.until));
  for (const [name, list] of Object.entries(groups)) {
    $(`n-${name}`).textContent = list.length ? `(${list.length})` : '';
    $(`list-${name}`).replaceChildren(...list.map(item));
    if (!list.length) $(`list-${name}`).append(h('li', { class: 'none muted', text: name === 'snoozed' ? 'Nothing snoozed.' : 'None.' }));
  }
}

function item(c) {
  const notes = [];
  if (c.state.status === 'snoozed') {
    notes.push(h('span', { class: 'wake', text: `wakes ${when(c.state.until)} (${relative(c.state.until)})` }));
  } else if (expired(c)) {
    notes.push(h('span', { class: 'tag expired', text: `Snooze ended · snoozed ${c.snooze_count}×` }));
  } else if (c.state.wake === 'visitor_replied') {
    notes.push(h('span', { class: 'tag replied', text: 'Visitor replied' }));
  }
  if (c.state.status !== 'snoozed' && c.last_author && c.last_author.kind === 'visitor') notes.push(h('span', { class: 'tag waiting', text: 'awaits you' }));
  if (c.last_message_at) notes.push(h('time', { datetime: c.last_message_at, class: 'muted', text: relative(c.last_message_at) }));
  const button = h('button', {
    type: 'button', class: 'conv-item', 'aria-current': c.id === state.selected ? 'true' : undefined,
    'data-id': c.id, onclick: () => select(c.id),
  }, [presence(c), h('span', { class: 'name', text: label(c) }), h('span', { class: 'notes' }, notes)]);
  return h('li', { class: expired(c) ? 'expired' : undefined }, [button]);
}

// Title badge and a short sound when a conversation is newly assigned to me.
function noticeNew() {
  const assigned = state.conversations.filter((c) => c.state.status === 'assigned');
  if (state.known === null) { state.known = new Set(assigned.map((c) => c.id)); return; }
  let fresh = 0;
  for (const c of assigned) {
    if (!state.known.has(c.id)) { state.known.add(c.id); if (c.id !== state.selected || document.hidden) fresh += 1; }
  }
  for (const id of [...state.known]) if (!assigned.some((c) => c.id === id)) state.known.delete(id);
  if (!fresh) return;
  state.unseen += fresh;
  updateTitle();
  announce(`${fresh} new conversation${fresh > 1 ? 's' : ''} assigned to you.`);
  beep();
}

function updateTitle() {
  document.title = state.unseen ? `(${state.unseen}) New conversation · Ebb` : 'Ebb · Expert panel';
}

let audio;
function beep() {
  try {
    audio = audio || new AudioContext();
    if (audio.state !== 'running') return;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.value = 0.05;
    osc.frequency.value = 880;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.15);
  } catch { /* no sound: the title badge is enough */ }
}

// ---- One conversation -----------------------------------------------------------------------

async function select(id) {
  state.selected = id;
  state.entries = [];
  state.seq = 0;
  state.read = { visitor: 0, expert: 0 };
  state.unseen = 0;
  updateTitle();
  $('timeline').replaceChildren();
  $('typing').textContent = '';
  $('empty').hidden = true;
  $('conv-view').hidden = false;
  renderList();
  const c = state.conversations.find((x) => x.id === id);
  if (c) renderHeader(c);
  await fetchEntries();
  $('reply-text').focus();
}

async function fetchEntries() {
  const id = state.selected;
  let res;
  try { res = await api('GET', `/conversations/${id}?after_seq=${state.seq}`); } catch (err) {
    if (err.status === 404) { closeView(); refreshSoon(); }
    return;
  }
  if (id !== state.selected) return;
  if (res.read) state.read = res.read;
  addEntries(res.entries);
  const i = state.conversations.findIndex((x) => x.id === id);
  if (i >= 0) state.conversations[i] = { ...state.conversations[i], ...res.conversation };
  renderHeader(res.conversation);
}

function closeView() {
  state.selected = null;
  $('conv-view').hidden = true;
  $('empty').hidden = false;
}

function addEntries(entries) {
  let added = false;
  for (const e of entries) {
    if (e.seq <= state.seq) continue;
    state.seq = e.seq;
    state.entries.push(e);
    $('timeline').append(renderEntry(e));
    added = true;
  }
  if (!added) return;
  renderSeen();
  $('timeline').lastElementChild?.scrollIntoView({ block: 'end' });
  markRead();
}

function markRead() {
  if (!state.selected || !state.seq || document.hidden || state.read.expert >= state.seq) return;
  state.read.expert = state.seq;
  if (state.live && state.live.connected) state.live.send({ type: 'read', conversation: state.selected, seq: state.seq });
  else api('POST', `/conversations/${state.selected}/read`, { seq: state.seq }).catch(() => {});
}

function who(author) {
  if (author.kind === 'visitor') return 'Visitor';
  if (author.kind === 'system') return 'Automatic message';
  return state.me && author.id === state.me.id ? 'You' : 'Expert';
}

const ASSIGN_TEXT = { new: 'Assigned to you', reattributed: 'Back to you: the visitor replied', snooze_expired: 'Back to you: the snooze ended' };

function renderEntry(e) {
  const time = h('time', { datetime: e.at, text: when(e.at) });
  if (e.type === 'message') {
    return h('li', { class: `msg ${e.author.kind}`, 'data-seq': String(e.seq) }, [
      h('span', { class: 'who', text: who(e.author) }), time,
      h('p', { class: 'body', text: e.body }),
    ]);
  }
  let text;
  switch (e.type) {
    case 'started': text = 'Conversation started'; break;
    case 'assigned': text = ASSIGN_TEXT[e.reason] || 'Assigned'; break;
    case 'snoozed': text = `Snoozed until ${when(e.until)} (snooze ${e.count})`; break;
    case 'woken': text = e.reason === 'visitor_replied' ? 'Woke up: the visitor replied' : 'Woke up: the snooze ended'; break;
    case 'closed': text = 'Conversation closed'; break;
    default: text = e.type;
  }
  return h('li', { class: 'event', 'data-seq': String(e.seq) }, [h('span', { text }), time]);
}

function renderSeen() {
  document.querySelectorAll('#timeline .seen').forEach((n) => n.remove());
  const mine = state.entries.filter((e) => e.type === 'message' && e.author.kind === 'expert');
  const last = mine[mine.length - 1];
  if (!last || state.read.visitor < last.seq) return;
  document.querySelector(`#timeline [data-seq="${last.seq}"]`)?.append(h('span', { class: 'seen', text: 'Seen by the visitor' }));
}

function renderHeader(c) {
  const on = state.online.get(c.visitor_id);
  $('conv-title').replaceChildren(presence(c), document.createTextNode(` ${label(c)}`));
  const parts = [on === undefined ? '' : on ? 'On the site now' : 'Has left the site'];
  if (c.state.status === 'snoozed') parts.push(`snoozed until ${when(c.state.until)}`);
  if (c.state.status === 'queued') parts.push('waiting for a free slot');
  if (c.state.status === 'closed') parts.push('closed');
  if (c.snooze_count) parts.push(`snoozed ${c.snooze_count}× so far`);
  $('conv-meta').textContent = parts.filter(Boolean).join(' · ');
  const open = c.state.status !== 'closed';
  $('async-note').hidden = !open;
  $('reply').hidden = !open;
  $('snooze-btn').disabled = c.state.status !== 'assigned';
  $('close-btn').disabled = !open;
  renderSaved(open);
  renderSuggestion(c);
}

function renderSaved(open) {
  $('saved').replaceChildren(...(open ? state.savedReplies.map((r) => h('button', {
    type: 'button', class: 'chip', 'data-reply': r.key, title: r.body,
    onclick: () => useReply(r),
  }, [document.createTextNode(r.title)])) : []));
}

function useReply(r) {
  const box = $('reply-text');
  box.value = r.body;
  box.focus();
}

// The server's suggestion when it sends one; otherwise a simple local guess.
function suggestionFor(c) {
  if (state.suggestions) return state.suggestions[c.id] || null;
  if (c.state.status !== 'assigned') return null;
  if (c.state.wake === 'snooze_expired') {
    return c.snooze_count >= 2 ? { step: 'close_with_goodbye', saved_reply: 'goodbye_survey' } : { step: 'snooze_again', snooze: { kind: 'one_day' } };
  }
  if (c.last_author && c.last_author.kind === 'visitor') return { step: 'reply' };
  if (state.online.get(c.visitor_id) === false && c.last_author?.kind === 'expert') {
    return c.snooze_count ? { step: 'snooze_again', snooze: { kind: 'one_day' } } : { step: 'announce_and_snooze', saved_reply: 'announce_snooze', snooze: { kind: 'one_day' } };
  }
  return null;
}

function renderSuggestion(c) {
  const s = c.state.status === 'assigned' ? suggestionFor(c) : null;
  $('suggest').hidden = !s;
  if (!s) return;
  $('suggest-text').textContent = STEP_TEXT[s.step] || s.step;
  const actions = [];
  const reply = s.saved_reply && state.savedReplies.find((r) => r.key === s.saved_reply);
  if (reply) actions.push(h('button', { type: 'button', onclick: () => useReply(reply) }, [document.createTextNode(`Use “${reply.title}”`)]));
  if (s.snooze) actions.push(h('button', { type: 'button', onclick: () => snooze(s.snooze) }, [document.createTextNode(snoozeLabel(s.snooze))]));
  if (s.step === 'close_with_goodbye') actions.push(h('button', { type: 'button', onclick: askClose }, [document.createTextNode('Close…')]));
  $('suggest-actions').replaceChildren(...actions);
}

function snoozeLabel(choice) {
  return { three_hours: 'Snooze 3 hours', one_day: 'Snooze 1 day' }[choice.kind] || 'Snooze';
}

// ---- Replying, snoozing, closing -------------------------------------------------------------

async function sendReply(e) {
  e?.preventDefault();
  const box = $('reply-text');
  const body = box.value.trim();
  if (!body || !state.selected) return;
  $('reply-error').textContent = '';
  const id = state.selected;
  try {
    box.value = '';
    stopTyping();
    const res = await api('POST', `/conversations/${id}/messages`, { body, client_msg_id: clientId('p') });
    if (id === state.selected) addEntries(res.entries);
    refreshSoon();
  } catch (err) {
    box.value = body;
    $('reply-error').textContent = `Not sent: ${err.message}`;
  }
}

async function snooze(choice) {
  closeMenu();
  const id = state.selected;
  try {
    await api('POST', `/conversations/${id}/snooze`, { choice });
    announce('Conversation snoozed. Your slot is free.');
    await refreshList();
    await fetchEntries();
    return true;
  } catch (err) {
    $('reply-error').textContent = `Could not snooze: ${err.message}`;
    return false;
  }
}

function openMenu() {
  $('snooze-menu').hidden = false;
  $('snooze-btn').setAttribute('aria-expanded', 'true');
  $('snooze-menu').querySelector('button').focus();
}

function closeMenu(focusButton) {
  $('snooze-menu').hidden = true;
  $('snooze-btn').setAttribute('aria-expanded', 'false');
  if (focusButton) $('snooze-btn').focus();
}

function menuKeys(e) {
  const items = [...$('snooze-menu').querySelectorAll('button')];
  const i = items.indexOf(document.activeElement);
  if (e.key === 'Escape') { e.preventDefault(); closeMenu(true); }
  else if (e.key === 'ArrowDown') { e.preventDefault(); items[(i + 1) % items.length].focus(); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
  else if (e.key === 'Home') { e.preventDefault(); items[0].focus(); }
  else if (e.key === 'End') { e.preventDefault(); items[items.length - 1].focus(); }
  else if (e.key === 'Tab') closeMenu(false);
}

function pad(n) { return String(n).padStart(2, '0'); }
function localInput(d) { return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`; }

function openCustom() {
  closeMenu();
  const now = new Date();
  const input = $('custom-when');
  input.min = localInput(new Date(now.getTime() + 60000));
  input.max = localInput(new Date(now.getTime() + state.maxSnoozeDays * 86400000));
  input.value = localInput(new Date(now.getTime() + 2 * 86400000));
  $('custom-hint').textContent = `Any time from now up to ${state.maxSnoozeDays} days ahead.`;
  $('custom-error').textContent = '';
  $('custom-dialog').showModal();
  input.focus();
}

async function submitCustom(e) {
  e.preventDefault();
  const value = $('custom-when').value;
  const until = new Date(value);
  if (!value || Number.isNaN(until.getTime()) || until <= new Date()) {
    $('custom-error').textContent = 'Pick a moment in the future.';
    return;
  }
  const ok = await snooze({ kind: 'until', until: until.toISOString() });
  if (ok) $('custom-dialog').close();
  else $('custom-error').textContent = $('reply-error').textContent;
}

function askClose() {
  $('close-error').textContent = '';
  const goodbye = state.savedReplies.find((r) => r.key === 'goodbye_survey');
  $('close-goodbye-row').hidden = !goodbye;
  const c = state.conversations.find((x) => x.id === state.selected);
  const s = c && suggestionFor(c);
  const lastMine = state.entries.filter((e) => e.type === 'message').pop();
  const alreadySaid = goodbye && lastMine && lastMine.body === goodbye.body;
  $('close-goodbye').checked = !!goodbye && !alreadySaid && (!s || s.step === 'close_with_goodbye');
  $('close-dialog').showModal();
  $('close-dialog').querySelector('[data-close]').focus();
}

async function confirmClose() {
  const id = state.selected;
  try {
    const goodbye = state.savedReplies.find((r) => r.key === 'goodbye_survey');
    const body = $('close-goodbye').checked && goodbye ? { goodbye: goodbye.body } : {};
    const res = await api('POST', `/conversations/${id}/close`, body);
    $('close-dialog').close();
    announce('Conversation closed.');
    // A closed conversation is no longer the expert's: show the final timeline and let go.
    if (id === state.selected) {
      addEntries(res.entries);
      renderHeader(res.conversation);
      state.selected = null;
    }
    await refreshList();
  } catch (err) {
    $('close-error').textContent = `Could not close: ${err.message}`;
  }
}

// ---- Typing and live events ---------------------------------------------------------------

let typingSent = 0;
function typing() {
  if (!state.selected || !state.live || Date.now() - typingSent < 3000) return;
  typingSent = Date.now();
  state.live.send({ type: 'typing', conversation: state.selected, typing: true });
}
function stopTyping() {
  if (!typingSent || !state.selected || !state.live) return;
  typingSent = 0;
  state.live.send({ type: 'typing', conversation: state.selected, typing: false });
}

let typingTimer = 0;
function onEvent(ev) {
  switch (ev.type) {
    case 'hello': {
      const resume = {};
      if (state.selected) resume[state.selected] = state.seq;
      state.live.send({ type: 'resume', conversations: resume });
      refreshSoon();
      break;
    }
    case 'entry':
      if (ev.conversation === state.selected) addEntries([ev.entry]);
      refreshSoon();
      break;
    case 'conversation':
      refreshSoon();
      if (ev.conversation.id === state.selected) renderHeader({ ...state.conversations.find((c) => c.id === ev.conversation.id), ...ev.conversation });
      break;
    case 'presence':
      state.online.set(ev.visitor, ev.online);
      renderList();
      if (state.selected) {
        const c = state.conversations.find((x) => x.id === state.selected);
        if (c) renderHeader(c);
      }
      break;
    case 'typing':
      if (ev.conversation === state.selected && ev.from === 'visitor') {
        clearTimeout(typingTimer);
        $('typing').textContent = ev.typing ? 'The visitor is typing…' : '';
        if (ev.typing) typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 6000);
      }
      break;
    case 'read':
      if (ev.conversation === state.selected) {
        state.read[ev.by] = Math.max(state.read[ev.by] || 0, ev.seq);
        renderSeen();
      }
      break;
    default:
  }
}

// ---- Wiring ----------------------------------------------------------------------------

let earnings = null;
/** Switches between the conversations and the earnings view. */
function showView(name) {
  const money = name === 'earnings';
  $('earnings').hidden = !money;
  $('conversations-view').hidden = money;
  for (const [id, on] of [['view-earnings', money], ['view-conversations', !money]]) {
    if (on) $(id).setAttribute('aria-current', 'page'); else $(id).removeAttribute('aria-current');
  }
  if (money) {
    earnings = earnings || earningsView(() => state.token);
    earnings.load();
    $('earnings').focus();
  }
}

function wire() {
  $('view-conversations').addEventListener('click', () => showView('conversations'));
  $('view-earnings').addEventListener('click', () => showView('earnings'));
  $('status').addEventListener('click', toggleStatus);
  $('logout').addEventListener('click', () => { logoutLocal(); location.reload(); });
  $('reply').addEventListener('submit', sendReply);
  $('reply-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendReply(); }
  });
  $('reply-text').addEventListener('input', typing);
  $('snooze-btn').addEventListener('click', () => ($('snooze-menu').hidden ? openMenu() : closeMenu(true)));
  $('snooze-btn').addEventListener('keydown', (e) => { if (e.key === 'ArrowDown') { e.preventDefault(); openMenu(); } });
  $('snooze-menu').addEventListener('keydown', menuKeys);
  $('snooze-menu').addEventListener('click', (e) => {
    const kind = e.target.closest('[data-snooze]')?.dataset.snooze;
    if (kind === 'custom') openCustom();
    else if (kind) snooze({ kind });
  });
  document.addEventListener('click', (e) => { if (!e.target.closest('.menu-wrap')) closeMenu(false); });
  $('custom-form').addEventListener('submit', submitCustom);
  $('learn-more').addEventListener('click', () => { $('learn-dialog').showModal(); $('learn-dialog').querySelector('[data-close]').focus(); });
  $('close-btn').addEventListener('click', askClose);
  $('close-confirm').addEventListener('click', confirmClose);
  for (const d of document.querySelectorAll('dialog')) {
    d.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => d.close()));
  }
  // Return focus to the opener when a dialog closes (Escape included).
  for (const [dialog, opener] of [['learn-dialog', 'learn-more'], ['close-dialog', 'close-btn'], ['custom-dialog', 'snooze-btn']]) {
    $(dialog).addEventListener('close', () => { if (!$(opener).disabled) $(opener).focus(); else $('reply-text').focus(); });
  }
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    markRead();
    if (state.selected) { state.unseen = 0; updateTitle(); }
  });
  // Alt+ArrowDown / Alt+ArrowUp: next / previous conversation.
  document.addEventListener('keydown', (e) => {
    if (!e.altKey || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    const ids = [...document.querySelectorAll('.conv-item')].map((b) => b.dataset.id);
    if (!ids.length) return;
    e.preventDefault();
    const i = ids.indexOf(state.selected);
    const next = e.key === 'ArrowDown' ? (i + 1) % ids.length : (i - 1 + ids.length) % ids.length;
    select(ids[next]);
  });
  // Sound needs a user gesture first.
  document.addEventListener('pointerdown', () => { try { audio = audio || new AudioContext(); audio.resume(); } catch { /* none */ } }, { once: true });
}

wire();
start();
