// The panel's state: the session, the conversations the expert owns (as the server last
// told), the open conversation's timeline, and what the server sent for the playbook.
// Every other panel module reads and updates this one object.

import { call } from '/lib/api.js';

/** localStorage key of the session token. */
export const TOKEN_KEY = 'ebb:panel:token';
const API = '/api/v1/expert';

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** The panel's state, shared by its modules. */
export const state = {
  token: localStorage.getItem(TOKEN_KEY),
  me: null,
  /** Conversation id -> the conversation as last sent by the server (plus `visitor_online`). */
  conversations: new Map(),
  /** Visitor id -> online now (from the list and `presence` frames). */
  online: new Map(),
  slots: null,
  queue: 0,
  /** The open conversation: its id, entries held, highest seq held and read markers. */
  selected: null,
  entries: [],
  seq: 0,
  read: { visitor: 0, expert: 0 },
  /** The brand's saved replies and the server's suggestions (conversation id -> suggestion). */
  savedReplies: [],
  suggestions: {},
  /** The brand's tags, the list's tag filter (a tag id, '' for all) and the colleagues
   * the transfer dialog listed last. */
  brandTags: [],
  tagFilter: '',
  colleagues: [],
  /** The longest snooze the brand allows, in days, when the server tells it. */
  maxSnoozeDays: null,
  known: null,
  live: null,
  /** Called when the session is no longer valid (set by panel.js). */
  signOut: null,
};

/** Calls the expert API with the session token. */
export const api = (method, path, body) => call(method, API + path, { token: state.token, body });

/** Says `text` to screen readers. */
export function announce(text) { $('announce').textContent = text; }

/** The open conversation, if the expert still has it. */
export function current() {
  return state.selected ? state.conversations.get(state.selected) || null : null;
}

/** The server's suggestion for conversation `id`, or null: the panel never guesses one. */
export function suggestionFor(id) {
  return (state.suggestions && state.suggestions[id]) || null;
}

/** The saved reply with this key, from the brand's list. */
export function savedReply(key) {
  return state.savedReplies.find((r) => r.key === key) || null;
}

/** Does `conv` belong to the logged-in expert (held, snoozed or woken for them)? */
export function mine(conv) {
  const s = conv.state;
  const owner = s.expert || s.for_expert;
  return !!state.me && owner === state.me.id && s.status !== 'closed';
}

/** Does `conv` await the expert's reply (not snoozed, and the visitor wrote last)? */
export function awaitsReply(conv) {
  return conv.state.status !== 'snoozed' && !!conv.last_author && conv.last_author.kind === 'visitor';
}
