// The console's "Signed identity" card (Widget tab): the brand's identity secret, hidden
// until the admin asks (each showing is logged on the server), and a rotate button.

import { h } from '/lib/api.js';

/** `api(method, path, body)` calls the admin API. Builds the card at the end of
 * `[data-view=widget]`. Returns `{ hide }` (called when the tab loads). */
export function identitySection({ api, announce }) {
  const secret = h('code', { id: 'id-secret' });
  const when = h('p', { class: 'muted', id: 'id-rotated' });
  const error = h('p', { class: 'error', id: 'id-error', role: 'alert' });
  const show = h('button', { type: 'button', id: 'id-show', text: 'Show the secret', onclick: reveal });
  const rotate = h('button', { type: 'button', id: 'id-rotate', text: 'Rotate the secret', onclick: renew });
  document.querySelector('[data-view=widget]').append(h('section', { class: 'card wide', 'aria-labelledby': 'h-identity' }, [
    h('h2', { id: 'h-identity', text: 'Signed identity' }),
    h('p', { class: 'muted', text: 'Your server signs each logged-in customer\'s id with this secret, so the customer sees their conversations on any device. Keep it on your server: never put it in a page. Rotating it makes the old one stop working at once. See docs/widget.md for code.' }),
    h('p', {}, [secret]), when, error,
    h('div', { class: 'actions' }, [show, document.createTextNode(' '), rotate]),
  ]));

  function paint(s) {
    secret.textContent = s.secret;
    when.textContent = `Made ${new Date(s.rotated_at).toLocaleString()}.`;
  }
  async function reveal() {
    error.textContent = '';
    try { paint(await api('GET', '/identity-secret')); } catch (err) { error.textContent = `Could not load the secret: ${err.message}`; }
  }
  async function renew() {
    error.textContent = '';
    if (!window.confirm('Rotate the identity secret? Signatures made with the current one stop working at once.')) return;
    try {
      paint(await api('POST', '/identity-secret'));
      announce('Identity secret rotated.');
    } catch (err) { error.textContent = `Not rotated: ${err.message}`; }
  }
  function hide() { secret.textContent = ''; when.textContent = ''; error.textContent = ''; }
  return { hide };
}
