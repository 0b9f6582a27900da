// The console's webhooks section: the brand's endpoints (add with a choice of events, the
// signing secret shown once; remove) and the most recent deliveries with their status.

import { h, when } from '/lib/api.js';

const $ = (id) => document.getElementById(id);

/** The events an endpoint can subscribe to (see docs/webhooks.md). */
export const EVENTS = [
  'conversation.created', 'conversation.assigned', 'conversation.snoozed', 'conversation.woken',
  'conversation.closed', 'message.created', 'csat.submitted', 'earning.recorded',
];

/** `api(method, path, body)` calls the admin API. Returns `{ load }`. */
export function webhooksSection({ api, announce }) {
  $('hook-events').replaceChildren(...EVENTS.map((ev) => h('label', { class: 'check' }, [
    h('input', { type: 'checkbox', name: 'events', value: ev, checked: true }), document.createTextNode(` ${ev}`),
  ])));

  async function load() {
    $('hooks-error').textContent = '';
    try {
      const [list, deliveries] = await Promise.all([api('GET', '/webhooks'), api('GET', '/webhook-deliveries?limit=20')]);
      $('hooks').replaceChildren(...(list.webhooks.length ? list.webhooks.map(endpointRow)
        : [h('tr', {}, [h('td', { colspan: '4', class: 'muted', text: 'No endpoint yet.' })])]));
      $('deliveries').replaceChildren(...(deliveries.deliveries.length ? deliveries.deliveries.map((d) => h('tr', {}, [
        h('td', { text: d.event_type }),
        h('td', { text: d.status }),
        h('td', { text: String(d.attempts) }),
        h('td', { text: d.last_status_code ? String(d.last_status_code) : (d.last_error || '—') }),
        h('td', { text: d.status === 'pending' ? `next ${when(d.next_attempt_at)}` : (d.delivered_at ? when(d.delivered_at) : '—') }),
      ])) : [h('tr', {}, [h('td', { colspan: '5', class: 'muted', text: 'Nothing sent yet.' })])]));
    } catch (err) { $('hooks-error').textContent = `Could not load webhooks: ${err.message}`; }
  }

  function endpointRow(x) {
    const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${x.url}`, onclick: () => removeEndpoint(x) });
    remove.textContent = 'Remove';
    return h('tr', { 'data-url': x.url }, [
      h('th', { scope: 'row', class: 'url', text: x.url }),
      h('td', { text: x.events.join(', ') }),
      h('td', { text: when(x.created_at) }),
      h('td', {}, [remove]),
    ]);
  }

  async function removeEndpoint(x) {
    if (!window.confirm(`Stop sending events to ${x.url}?`)) return;
    try {
      await api('DELETE', `/webhooks/${x.id}`);
      announce(`${x.url} removed.`);
      await load();
    } catch (err) { $('hooks-error').textContent = `Not removed: ${err.message}`; }
  }

  $('new-hook').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.target;
    $('new-hook-error').textContent = '';
    const events = [...f.querySelectorAll('[name=events]:checked')].map((c) => c.value);
    if (!events.length) { $('new-hook-error').textContent = 'Pick at least one event.'; return; }
    try {
      const created = await api('POST', '/webhooks', { url: f.elements.url.value.trim(), events });
      f.elements.url.value = '';
      $('hook-secret').textContent = created.secret;
      $('hook-secret-box').hidden = false;
      await load();
      $('hook-secret-box').focus();
    } catch (err) { $('new-hook-error').textContent = `Not added: ${err.message}`; }
  });
  return { load };
}
