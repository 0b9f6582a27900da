// The playbook as the server tells it: the brand's saved replies (chips above the composer)
// and the suggested next step for the open conversation. Nothing here decides a step: the
// panel shows what GET /suggestions sent, and no suggestion when it sent none.

import { h, when } from '/lib/api.js';
import { $, state, api, savedReply, suggestionFor } from '/panel/state.js';

/** Words for each step the server may suggest. */
const STEP_TEXT = {
  reply: 'The visitor is waiting for your answer.',
  wait: 'The visitor is on the site: give them a moment to answer.',
  nudge: 'No answer yet: remind the visitor you are still here.',
  announce_and_snooze: 'The visitor has gone quiet: tell them you will pause the chat, then snooze it.',
  snooze_again: 'The snooze ended without an answer: snooze once more.',
  close_with_goodbye: 'Still no answer after the snoozes: say goodbye, ask for the survey, then close.',
};

/** Loads the brand's saved replies. */
export async function loadSavedReplies() {
  const res = await api('GET', '/saved-replies');
  state.savedReplies = res.saved_replies.map((r) => ({ key: r.key, title: r.title, body: r.body }));
}

// Answers to GET /suggestions and presence frames are applied in the order they were asked
// or received: an answer never undoes a newer one, nor what a later frame said.
let asked = 0;
let answered = 0;
/** Conversation id -> the ticket of the presence frame that last set its suggestion. */
const pushed = new Map();

/** Loads the server's suggestions for every conversation the expert holds. */
export async function loadSuggestions() {
  asked += 1;
  const ticket = asked;
  const res = await api('GET', '/suggestions');
  if (ticket < answered) return;
  answered = ticket;
  const next = res.suggestions || {};
  for (const [id, at] of pushed) {
    if (at < ticket) pushed.delete(id);
    else if (state.suggestions[id]) next[id] = state.suggestions[id];
    else delete next[id];
  }
  state.suggestions = next;
}

/** Takes the suggestions a presence frame carried for the conversations with `visitor`:
 * the server decided them with that presence, so they change with the dot. */
export function applyPushedSuggestions(visitor, suggestions) {
  asked += 1;
  for (const c of state.conversations.values()) {
    if (c.visitor_id !== visitor) continue;
    pushed.set(c.id, asked);
    if (suggestions[c.id]) state.suggestions[c.id] = suggestions[c.id];
    else delete state.suggestions[c.id];
  }
}

/** The saved reply a suggestion goes with: as the server sent it, else from the brand's list. */
export function replyOf(s) {
  if (!s || !s.saved_reply) return null;
  if (s.reply) return { key: s.reply.key, title: s.reply.title, body: s.reply.body };
  return savedReply(s.saved_reply);
}

/** The button text for a snooze choice. */
export function snoozeLabel(choice) {
  if (choice.kind === 'until') return `Snooze until ${when(choice.until)}`;
  return { three_hours: 'Snooze 3 hours', one_day: 'Snooze 1 day' }[choice.kind] || 'Snooze';
}

/** Where the conversation stands against the brand's snooze budget, as the server sent it. */
function budgetText(b) {
  if (!b || !b.used || b.budget === undefined) return '';
  const spent = b.snooze_allowed === false ? ' Your brand allows no further snooze here.' : '';
  return ` Came back without an answer ${b.used} of ${b.budget} times in a row.${spent}`;
}

/** Puts a saved reply into the composer. */
export function useReply(r) {
  const box = $('reply-text');
  box.value = r.body;
  box.focus();
}

/** The saved-reply chips (only while the conversation is open). */
export function renderSaved(open) {
  $('saved').replaceChildren(...(open ? state.savedReplies.map((r) => h('button', {
    type: 'button', class: 'chip', 'data-reply': r.key, title: r.body, onclick: () => useReply(r),
  }, [document.createTextNode(r.title)])) : []));
}

/** Shows the server's suggested next step for `c`, with a button per action it names. */
export function renderSuggestion(c) {
  const s = c && c.state.status === 'assigned' ? suggestionFor(c.id) : null;
  $('suggest').hidden = !s;
  if (!s) return;
  if (s.budget && s.budget.snooze_allowed === false) {
    $('snooze-btn').disabled = true;
    $('snooze-btn').title = 'The snooze budget is spent: say goodbye and close instead.';
  }
  const text = STEP_TEXT[s.step] || `Next step: ${String(s.step).replaceAll('_', ' ')}.`;
  $('suggest-text').textContent = text + budgetText(s.budget);
  const actions = [];
  const reply = replyOf(s);
  if (reply) actions.push(h('button', { type: 'button', onclick: () => useReply(reply) }, [document.createTextNode(`Use “${reply.title}”`)]));
  if (s.snooze) actions.push(h('button', { type: 'button', 'data-action': 'snooze' }, [document.createTextNode(snoozeLabel(s.snooze))]));
  if (s.step === 'close_with_goodbye') actions.push(h('button', { type: 'button', 'data-action': 'close' }, [document.createTextNode('Close…')]));
  $('suggest-actions').replaceChildren(...actions);
}
