// The conversation list (active, coming back, snoozed) with visitor presence dots, the
// slot and queue meters, and the title badge and sound for newly assigned conversations.

import { h, relative, when } from '/lib/api.js';
import { $, state, announce } from '/panel/state.js';

/** A short name for the conversation's visitor. */
export function label(c) { return `Visitor ${c.visitor_id.slice(-4).toUpperCase()}`; }

/** The presence dot of the conversation's visitor. */
export function presence(c) {
  const on = state.online.get(c.visitor_id);
  if (on === undefined) return h('span', { class: 'dot unknown', role: 'img', 'aria-label': 'presence unknown' });
  return h('span', { class: `dot ${on ? 'online' : 'offline'}`, role: 'img', 'aria-label': on ? 'visitor online' : 'visitor away' });
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
  if (c.state.status === 'snoozed') {
    notes.push(h('span', { class: 'wake', text: `wakes ${when(c.state.until)} (${relative(c.state.until)})` }));
  } else if (expired(c)) {
    notes.push(h('span', { class: 'tag expired', text: `Snooze ended · snoozed ${c.snooze_count}×` }));
  } else if (c.state.wake === 'visitor_replied') {
    notes.push(h('span', { class: 'tag replied', text: 'Visitor replied' }));
  }
  if (c.state.status !== 'snoozed' && c.last_author && c.last_author.kind === 'visitor') notes.push(h('span', { class: 'tag waiting', text: 'awaits you' }));
  for (const t of c.tags || []) notes.push(h('span', { class: 'chip', text: t.name }));
  if (c.last_message_at) notes.push(h('time', { datetime: c.last_message_at, class: 'muted', text: relative(c.last_message_at) }));
  const button = h('button', {
    type: 'button', class: 'conv-item', 'aria-current': c.id === state.selected ? 'true' : undefined, 'data-id': c.id,
  }, [presence(c), h('span', { class: 'name', text: label(c) }), h('span', { class: 'notes' }, notes)]);
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
}

/** Shows the slot and queue figures the server sent. */
export function renderMeters() {
  if (state.slots) $('slots').textContent = `${state.slots.held} / ${state.slots.capacity}`;
  $('queue').textContent = String(state.queue);
}

/** Title badge, announcement and a short sound when a conversation is newly assigned. */
export function noticeNew() {
  const assigned = [...state.conversations.values()].filter((c) => c.state.status === 'assigned');
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

/** The page title, with the count of unseen new conversations. */
export function updateTitle() {
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

/** Sound needs a user gesture first: call on the first pointer press. */
export function unlockSound() {
  try { audio = audio || new AudioContext(); audio.resume(); } catch { /* no sound */ }
}
