// The open conversation: its header (presence, state, snooze count), its timeline of
// messages and events with the "seen" marker, and read receipts sent back to the server.

import { h, when } from '/lib/api.js';
import { $, state, api, current } from '/panel/state.js';
import { label, presence, renderList } from '/panel/list.js';
import { renderSaved, renderSuggestion } from '/panel/suggestion.js';
import { loadContext, renderContext } from '/panel/context.js';
import { loadNotes } from '/panel/notes.js';
import { renderTags } from '/panel/tags.js';

const WOKEN_TEXT = { visitor_replied: 'Woke up: the visitor replied', visitor_returned: 'Woke up: the visitor is back on the site' };
const ASSIGN_TEXT = { new: 'Assigned to you', reattributed: 'Back to you: the visitor replied', snooze_expired: 'Back to you: the snooze ended', visitor_returned: 'Back to you: the visitor is back' };

/** Opens conversation `id`: loads its timeline over HTTP, then follows it live. */
export async function select(id) {
  state.selected = id;
  state.entries = [];
  state.seq = 0;
  state.read = { visitor: 0, expert: 0 };
  $('timeline').replaceChildren();
  $('typing').textContent = '';
  $('empty').hidden = true;
  $('conv-view').hidden = false;
  renderList();
  renderHeader();
  loadContext(id);
  await fetchEntries();
  await loadNotes(id);
  $('reply-text').focus();
}

/** Reads the open conversation's entries after the last seq held, page by page. */
export async function fetchEntries() {
  const id = state.selected;
  for (let page = 0; page < 100 && id; page += 1) {
    let res;
    try { res = await api('GET', `/conversations/${id}?after_seq=${state.seq}`); } catch (err) {
      if (err.status === 404) { state.conversations.delete(id); closeView(); renderList(); }
      return;
    }
    if (id !== state.selected) return;
    if (res.read) state.read = res.read;
    const known = state.conversations.get(id);
    if (known) state.conversations.set(id, { ...known, ...res.conversation });
    addEntries(res.entries);
    renderHeader(res.conversation);
    if (!res.entries.length || state.seq >= res.conversation.last_seq) return;
  }
}

/** Leaves the open conversation. */
export function closeView() {
  state.selected = null;
  $('conv-view').hidden = true;
  $('empty').hidden = false;
}

/** Appends entries not held yet (by seq) to the open timeline. */
export function addEntries(entries) {
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

/** Tells the server the expert has read the open conversation up to the last seq. */
export function markRead() {
  if (!state.selected || !state.seq || document.hidden || state.read.expert >= state.seq) return;
  state.read.expert = state.seq;
  if (state.live && state.live.connected) state.live.send({ type: 'read', conversation: state.selected, seq: state.seq });
  else api('POST', `/conversations/${state.selected}/read`, { seq: state.seq }).catch(() => {});
}

/** Moves a read marker the server reported. */
export function applyRead(by, seq) {
  state.read[by] = Math.max(state.read[by] || 0, seq);
  renderSeen();
}

function who(author) {
  if (author.kind === 'visitor') return 'Visitor';
  if (author.kind === 'system') return 'Automatic message';
  return state.me && author.id === state.me.id ? 'You' : 'Expert';
}

/** An entry of a timeline as the panel shows it. */
export function renderEntry(e) {
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
    case 'snoozed': text = e.until_return ? `Snoozed until the visitor is back, at most until ${when(e.until)} (snooze ${e.count})` : `Snoozed until ${when(e.until)} (snooze ${e.count})`; break;
    case 'woken': text = WOKEN_TEXT[e.reason] || 'Woke up: the snooze ended'; break;
    case 'closed': text = 'Conversation closed'; break;
    case 'transferred': text = transferText(e); break;
    default: text = e.type;
  }
  return h('li', { class: 'event', 'data-seq': String(e.seq) }, [h('span', { text }), time]);
}

/** A transfer as the panel shows it: to whom, and the note the transferring expert left. */
function transferText(e) {
  const named = (id) => (state.colleagues || []).find((c) => c.id === id)?.name || 'a colleague';
  const to = !e.to ? 'the brand queue' : state.me && e.to === state.me.id ? 'you' : named(e.to);
  const from = state.me && e.from === state.me.id ? 'You transferred it' : 'Transferred';
  return `${from} to ${to}${e.note ? `, with a note: ${e.note}` : ''}`;
}

/** Marks the expert's last message "Seen by the visitor" when the visitor read it. */
export function renderSeen() {
  document.querySelectorAll('#timeline .seen').forEach((n) => n.remove());
  const mine = state.entries.filter((e) => e.type === 'message' && e.author.kind === 'expert');
  const last = mine[mine.length - 1];
  if (!last || state.read.visitor < last.seq) return;
  document.querySelector(`#timeline [data-seq="${last.seq}"]`)?.append(h('span', { class: 'seen', text: 'Seen by the visitor' }));
}

/** Draws the open conversation's header and actions; `c` defaults to the one in the list. */
export function renderHeader(c = current()) {
  if (!c) return;
  const on = state.online.get(c.visitor_id);
  $('conv-title').replaceChildren(presence(c), document.createTextNode(` ${label(c)}`));
  const parts = [on === undefined ? '' : on ? 'On the site now' : 'Has left the site'];
  if (c.state.status === 'snoozed') parts.push(`snoozed until ${when(c.state.until)}`);
  if (c.state.status === 'queued') parts.push('waiting for a free slot');
  if (c.state.status === 'closed') parts.push('closed');
  if (c.snooze_count) parts.push(`snoozed ${c.snooze_count}× so far`);
  $('conv-meta').textContent = parts.filter(Boolean).join(' · ');
  renderContext();
  const open = c.state.status !== 'closed';
  $('async-note').hidden = !open;
  $('reply').hidden = !open;
  $('snooze-btn').disabled = c.state.status !== 'assigned';
  $('snooze-btn').removeAttribute('title');
  $('close-btn').disabled = !open;
  $('transfer-btn').disabled = c.state.status !== 'assigned';
  $('note-form').hidden = !open;
  renderTags(c);
  renderSaved(open);
  const shown = !$('suggest').hidden;
  renderSuggestion(c);
  // The suggestion box takes room from the timeline: keep its last entry in view.
  if (shown === $('suggest').hidden) $('timeline').lastElementChild?.scrollIntoView({ block: 'end' });
}
