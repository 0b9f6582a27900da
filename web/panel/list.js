// The conversation list (active, coming back, snoozed): each row with its visitor's presence
// (shape and text, not colour only), the last message and who wrote it, how long the visitor
// has waited, snooze state and tags; the slot and queue meters, and the notice of newly
// assigned conversations.

import { h, relative, when } from '/lib/api.js';
import { $, state, announce, awaitsReply } from '/panel/state.js';
import { notifyAssigned, updateTitle } from '/panel/notify.js';

/** A short name for the conversation's visitor. */
export function label(c) { return `Visitor ${c.visitor_id.slice(-4).toUpperCase()}`; }

/** The presence of the conversation's visitor: a filled disc "On site", a hollow ring
 * "Away" (shape and words, so colour is never the only cue), with an accessible label. */
export function presence(c) {
  const on = state.online.get(c.visitor_id);
  const [kind, label, text] = on === undefined ? ['unknown', 'presence unknown', 'Unknown']
    : on ? ['online', 'visitor online', 'On site'] : ['offline', 'visitor away', 'Away'];
  return h('span', { class: `presence ${kind}` }, [
    h('span', { class: `dot ${kind}`, role: 'img', 'aria-label': label }),
    h('span', { class: 'presence-text', 'aria-hidden': 'true', text }),
  ]);
}

/** Who wrote a listed message, as the list names them. */
function writer(m) {
  if (m.author.kind === 'visitor') return 'Visitor';
  if (state.me && m.author.id === state.me.id) return 'You';
  return m.author_name || 'A colleague';
}

/** "3 min", "2 h": how long ago `iso` was, without the "ago". */
function since(iso) {
  const text = relative(iso);
  return text === 'just now' ? 'just now' : text.replace(/ ago$/, '');
}

function bucket(c) {
  if (c.state.status === 'assigned') return 'active';
  if (c.state.status === 'snoozed') return 'snoozed';
  if (c.state.status === 'queued') return 'waiting';
  return 'closed';
}

const expired = (c) => c.state.wake === 'snooze_expired';

function item(c) {
  const notes = [];
  if (c.state.status === 'snoozed' && c.state.until_return) {
    notes.push(h('span', { class: 'wake return', text: `until the visitor is back · at most ${when(c.state.until)}` }));
  } else if (c.state.status === 'snoozed') {
    notes.push(h('span', { class: 'wake', text: `wakes ${when(c.state.until)} (${relative(c.state.until)})` }));
  } else if (expired(c)) {
    notes.push(h('span', { class: 'tag expired', text: `Snooze ended · snoozed ${c.snooze_count}×` }));
  } else if (c.state.wake === 'visitor_returned') {
    notes.push(h('span', { class: 'tag replied', text: 'Visitor is back' }));
  } else if (c.state.wake === 'visitor_replied') {
    notes.push(h('span', { class: 'tag replied', text: 'Visitor replied' }));
  }
  if (awaitsReply(c)) {
    const waiting = c.visitor_waiting_since || c.last_message_at;
    notes.push(h('span', { class: 'tag waiting', title: `Waiting since ${when(waiting)}` }, [
      document.createTextNode('awaits you · '), h('time', { class: 'waited', datetime: waiting, text: since(waiting) }),
    ]));
  }
  if (c.last_message_at) notes.push(h('time', { datetime: c.last_message_at, class: 'muted', text: relative(c.last_message_at) }));
  for (const t of c.tags || []) notes.push(h('span', { class: 'label', text: t.name }));
  const m = c.last_message;
  const preview = m && h('span', { class: 'preview' }, [h('span', { class: 'writer', text: `${writer(m)}: ` }), document.createTextNode(m.text)]);
  const button = h('button', {
    type: 'button', class: 'conv-item', 'aria-current': c.id === state.selected ? 'true' : undefined, 'data-id': c.id,
  }, [presence(c), h('span', { class: 'name', text: label(c) }), preview, h('span', { class: 'notes' }, notes)]);
  return h('li', { class: expired(c) ? 'expired' : undefined }, [button]);
}

/** Draws the three groups from `state.conversations`. */
export function renderList() {
  const groups = { active: [], waiting: [], snoozed: [] };
  const shown = (c) => !state.tagFilter || (c.tags || []).some((t) => t.id === state.tagFilter);
  for (const c of state.conversations.values()) if (shown(c)) groups[bucket(c)]?.push(c);
  groups.snoozed.sort((a, b) => a.state.until.localeCompare(b.state.until));
  groups.active.sort((a, b) => a.created_at.localeCompare(b.created_at));
  groups.waiting.sort((a, b) => a.created_at.localeCompare(b.created_at));
  for (const [name, list] of Object.entries(groups)) {
    $(`n-${name}`).textContent = list.length ? `(${list.length})` : '';
    $(`list-${name}`).replaceChildren(...list.map(item));
    if (!list.length) $(`list-${name}`).append(h('li', { class: 'none muted', text: name === 'snoozed' ? 'Nothing snoozed.' : 'None.' }));
  }
  updateTitle();
}

/** Shows the slot and queue figures the server sent. */
export function renderMeters() {
  if (state.slots) $('slots').textContent = `${state.slots.held} / ${state.slots.capacity}`;
  $('queue').textContent = String(state.queue);
  const cap = state.me?.async_cap;
  $('async-cap-meter').hidden = cap === null || cap === undefined;
  $('async-cap').textContent = String(cap ?? '');
}

/** Announces and notifies conversations newly assigned to the expert. */
export function noticeNew() {
  const assigned = [...state.conversations.values()].filter((c) => c.state.status === 'assigned');
  if (state.known === null) { state.known = new Set(assigned.map((c) => c.id)); return; }
  const fresh = assigned.filter((c) => !state.known.has(c.id));
  for (const c of fresh) { state.known.add(c.id); notifyAssigned(c, label(c)); }
  for (const id of [...state.known]) if (!assigned.some((c) => c.id === id)) state.known.delete(id);
  if (fresh.length) announce(`${fresh.length} new conversation${fresh.length > 1 ? 's' : ''} assigned to you.`);
}
