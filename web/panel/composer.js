// The reply box: sends a message (idempotent by client id), and tells the visitor while
// the expert is typing.

import { clientId } from '/lib/api.js';
import { $, state, api } from '/panel/state.js';
import { applyResult } from '/panel/sync.js';

/** Sends the reply box's text to the open conversation. */
export async function sendReply(e) {
  e?.preventDefault();
  const box = $('reply-text');
  const body = box.value.trim();
  if (!body || !state.selected) return;
  $('reply-error').textContent = '';
  const id = state.selected;
  try {
    box.value = '';
    stopTyping();
    applyResult(await api('POST', `/conversations/${id}/messages`, { body, client_msg_id: clientId('p') }));
  } catch (err) {
    box.value = body;
    $('reply-error').textContent = `Not sent: ${err.message}`;
  }
}

let typingSent = 0;
/** Tells the other side the expert is typing (at most every 3 s). */
export function typing() {
  if (!state.selected || !state.live || Date.now() - typingSent < 3000) return;
  typingSent = Date.now();
  state.live.send({ type: 'typing', conversation: state.selected, typing: true });
}

function stopTyping() {
  if (!typingSent || !state.selected || !state.live) return;
  typingSent = 0;
  state.live.send({ type: 'typing', conversation: state.selected, typing: false });
}
