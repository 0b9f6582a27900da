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

/** Loads the server's suggestions for every conversation the expert holds. */
export async function loadSuggestions() {
  const res = await api('GET', '/suggestions');
  state.suggestions = res.suggestions || {};
}

/** The saved reply a suggestion goes with: its own text when the server sent it, else the brand's. */
export function replyOf(s) {
  if (!s || !s.saved_reply) return null;
  if (typeof s.saved_reply === 'object') {
    const r = s.saved_reply;
    return { key: r.key, title: r.title || r.key, body: r.body ?? r.text };
  }
  const known = savedReply(s.saved_reply);
  if (s.saved_reply_text) return { key: s.saved_reply, title: s.saved_reply_title || known?.title || s.saved_reply, body: s.saved_reply_text };
  return known;
}

/** The button text for a snooze choice. */
export function snoozeLabel(choice) {
  if (choice.kind === 'until') return `Snooze until ${when(choice.until)}`;
  return { three_hours: 'Snooze 3 hours', one_day: 'Snooze 1 day' }[choice.kind] || 'Snooze';
}

/** "1 of 2 silent snoozes in a row used", when the server sends the budget. */
function budgetText(b) {
  if (!b || typeof b !== 'object') return '';
  const used = b.used ?? b.silent_snoozes;
  const of = b.budget ?? b.limit;
  if (used === undefined || of === undefined) return '';
  const rule = b.enforced ? ' The brand allows no snooze beyond that.' : '';
  return ` Silent snoozes in a row: ${used} of ${of}.${rule}`;
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
  const text = STEP_TEXT[s.step] || `Next step: ${String(s.step).replaceAll('_', ' ')}.`;
  $('suggest-text').textContent = text + budgetText(s.budget);
  const actions = [];
  const reply = replyOf(s);
  if (reply) actions.push(h('button', { type: 'button', onclick: () => useReply(reply) }, [document.createTextNode(`Use “${reply.title}”`)]));
  if (s.snooze) actions.push(h('button', { type: 'button', 'data-action': 'snooze' }, [document.createTextNode(snoozeLabel(s.snooze))]));
  if (s.step === 'close_with_goodbye') actions.push(h('button', { type: 'button', 'data-action': 'close' }, [document.createTextNode('Close…')]));
  $('suggest-actions').replaceChildren(...actions);
}
