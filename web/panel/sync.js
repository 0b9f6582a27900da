// Keeps the panel's state in step with the server. WebSocket frames (entries with their
// seq, conversation states, presence, typing, read markers) are applied to the state as
// they come; the lists are fetched over HTTP only on (re)connect, while the socket is down,
// and when a frame names a conversation the panel did not know. Suggestions and meters are
// re-read when a frame changes a conversation; presence frames carry the suggestions.

import { ApiError, everyPage } from '/lib/api.js';
import { live } from '/lib/live.js';
import { $, state, api, mine } from '/panel/state.js';
import { label, noticeNew, renderList, renderMeters } from '/panel/list.js';
import { notifyReply } from '/panel/notify.js';
import { addEntries, applyRead, closeView, fetchEntries, renderHeader } from '/panel/timeline.js';
import { applyPushedSuggestions, loadSuggestions } from '/panel/suggestion.js';
import { loadContext } from '/panel/context.js';

/** A message on one line, at most 140 characters (`…` when cut), as the server previews it. */
function preview(text) {
  const flat = text.split(/\s+/).filter(Boolean).join(' ');
  return [...flat].length <= 140 ? flat : `${[...flat].slice(0, 139).join('').trimEnd()}…`;
}

/** Every page of a list endpoint of the expert API. */
function allPages(path, key) {
  return everyPage((p) => api('GET', p), path, key);
}

/** Fetches the conversation list, the meters and the suggestions: the state from scratch. */
export async function loadList() {
  let res;
  try {
    [res] = await Promise.all([allPages('/conversations', 'conversations'), loadSuggestions()]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && state.signOut) state.signOut();
    throw err;
  }
  state.conversations = new Map(res.conversations.map((c) => [c.id, c]));
  for (const c of res.conversations) state.online.set(c.visitor_id, c.visitor_online);
  state.slots = res.slots;
  state.queue = res.queue;
  noticeNew();
  renderMeters();
  renderList();
  renderHeader();
}

let pending = { meters: false, list: false };
let timer = 0;
/** Re-reads suggestions (and the meters, or the whole list after a gap) shortly. */
function refreshSoon({ meters = false, list = false } = {}) {
  pending = { meters: pending.meters || meters, list: pending.list || list };
  clearTimeout(timer);
  timer = setTimeout(() => {
    const todo = pending;
    pending = { meters: false, list: false };
    refresh(todo).catch(() => {});
  }, 150);
}

async function refresh({ meters, list }) {
  if (list) { await loadList(); return; }
  const [me] = await Promise.all([meters ? api('GET', '/me') : null, loadSuggestions()]);
  if (me) { state.slots = me.slots; state.queue = me.queue; renderMeters(); }
  renderHeader();
}

/** The HTTP fallback and safety poll: a full reload while the socket is down. */
async function poll() {
  if (state.live && state.live.connected) { await refresh({ meters: true }); return; }
  await loadList();
  if (state.selected) await fetchEntries();
}

/** Applies a conversation state from a frame or an action's answer. */
export function applyConversation(conv) {
  const known = state.conversations.get(conv.id);
  if (known && conv.last_seq < known.last_seq) return;
  if (mine(conv)) {
    state.conversations.set(conv.id, { ...known, ...conv });
    if (!known) refreshSoon({ list: true });
  } else {
    state.conversations.delete(conv.id);
    if (conv.id === state.selected && conv.state.status !== 'closed') {
      closeView();
      $('announce').textContent = 'That conversation is no longer yours: it went to a colleague.';
    }
  }
  noticeNew();
  renderList();
  if (conv.id === state.selected) renderHeader(state.conversations.get(conv.id) || conv);
  refreshSoon({ meters: true });
}

/** Applies new timeline entries of conversation `id`. */
export function applyEntries(id, entries) {
  const c = state.conversations.get(id);
  for (const e of entries) {
    if (!c) continue;
    // Before the seq check: the conversation's own frame may have told its last_seq first.
    if (e.type === 'message' && e.author.kind === 'visitor') notifyReply(c, label(c), e);
    if (e.seq <= c.last_seq) continue;
    c.last_seq = e.seq;
    if (e.type === 'message' && e.author.kind !== 'system') {
      c.last_author = e.author; c.last_message_at = e.at;
      c.last_message = { author: e.author, author_name: e.author.id === state.me?.id ? state.me.name : null, text: preview(e.body), at: e.at };
      if (e.author.kind === 'visitor') c.visitor_waiting_since = c.visitor_waiting_since || e.at;
      else c.visitor_waiting_since = null;
    }
  }
  if (id === state.selected) {
    addEntries(entries);
    // A visitor who writes may have moved on to another page: read their context again.
    if (entries.some((e) => e.type === 'message' && e.author.kind === 'visitor')) loadContext(id);
  }
  renderList();
  refreshSoon();
}

/** Applies what an action (send, snooze, close) answered: `{conversation, entries}`. */
export function applyResult(res) {
  applyEntries(res.conversation.id, res.entries);
  applyConversation(res.conversation);
}

/** A presence frame: the dot, and the suggestions the server sent with it (re-read when
 * it sent none). */
function applyPresence({ visitor, online, suggestions }) {
  state.online.set(visitor, online);
  for (const c of state.conversations.values()) if (c.visitor_id === visitor) c.visitor_online = online;
  if (suggestions) applyPushedSuggestions(visitor, suggestions);
  else refreshSoon();
  renderList();
  renderHeader();
}

let typingTimer = 0;
function showTyping(ev) {
  if (ev.conversation !== state.selected || ev.from !== 'visitor') return;
  clearTimeout(typingTimer);
  $('typing').textContent = ev.typing ? 'The visitor is typing…' : '';
  if (ev.typing) typingTimer = setTimeout(() => { $('typing').textContent = ''; }, 6000);
}

/** On (re)connect: reload the list, then resume every conversation from the seq held. */
async function resume() {
  await loadList();
  const held = {};
  for (const c of state.conversations.values()) held[c.id] = c.last_seq;
  if (state.selected) held[state.selected] = state.seq;
  state.live.send({ type: 'resume', conversations: held });
}

function onFrame(ev) {
  switch (ev.type) {
    case 'hello': resume().catch(() => {}); break;
    case 'entry': applyEntries(ev.conversation, [ev.entry]); break;
    case 'conversation': applyConversation(ev.conversation); break;
    case 'presence': applyPresence(ev); break;
    case 'typing': showTyping(ev); break;
    case 'read': if (ev.conversation === state.selected) applyRead(ev.by, ev.seq); break;
    default:
  }
}

/** Starts live updates for the logged-in expert. */
export function startLive() {
  state.live = live({ token: state.token, onEvent: onFrame, poll });
}
