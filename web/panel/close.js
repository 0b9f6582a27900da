// Closing: the confirmation dialog, which offers to send the goodbye saved reply first
// when the server's suggestion for the conversation is to say goodbye and close.

import { $, state, api, announce, suggestionFor } from '/panel/state.js';
import { replyOf } from '/panel/suggestion.js';
import { applyResult } from '/panel/sync.js';

/** The goodbye the server suggests sending before closing the open conversation, if any. */
function suggestedGoodbye() {
  const s = state.selected && suggestionFor(state.selected);
  return s && s.step === 'close_with_goodbye' ? replyOf(s) : null;
}

/** Opens the close confirmation. */
export function askClose() {
  $('close-error').textContent = '';
  const goodbye = suggestedGoodbye();
  $('close-goodbye-row').hidden = !goodbye;
  const last = state.entries.filter((e) => e.type === 'message').pop();
  const alreadySaid = goodbye && last && last.body === goodbye.body;
  $('close-goodbye').checked = !!goodbye && !alreadySaid;
  $('close-dialog').showModal();
  $('close-dialog').querySelector('[data-close]').focus();
}

/** Closes the open conversation (after the goodbye when ticked), keeping its final timeline in view. */
export async function confirmClose() {
  const id = state.selected;
  const goodbye = suggestedGoodbye();
  try {
    const body = $('close-goodbye').checked && goodbye ? { goodbye: goodbye.body } : {};
    const res = await api('POST', `/conversations/${id}/close`, body);
    $('close-dialog').close();
    announce('Conversation closed.');
    applyResult(res);
    if (id === state.selected) state.selected = null;
  } catch (err) {
    $('close-error').textContent = `Could not close: ${err.message}`;
  }
}
