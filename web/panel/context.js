// The open conversation's visitor context: their current (or last) page, referrer,
// language, local time (from their time zone), country when the brand shares it, the slot
// for a signed customer id, and their earlier conversations, each opening read-only.

import { h, when } from '/lib/api.js';
import { $, state, api } from '/panel/state.js';
import { renderEntry } from '/panel/timeline.js';

/** conversation id -> the context the server sent for it. */
const contexts = new Map();
let clock = 0;

/** Fetches the visitor context of the open conversation `id` and shows it. */
export async function loadContext(id) {
  renderContext();
  let ctx;
  try { ctx = await api('GET', `/conversations/${id}/context`); } catch { return; }
  contexts.set(id, ctx);
  if (state.selected === id) renderContext();
}

/** The visitor's local time now, e.g. "14:05 (Europe/Paris)"; null for an unknown zone. */
function localTime(zone) {
  try {
    const time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZone: zone });
    return `${time} (${zone})`;
  } catch { return null; }
}

/** The host of a URL, for a short referrer. */
function host(url) {
  try { return new URL(url).host; } catch { return url; }
}

/** One "term: value" pair of the context line. */
function pair(term, value, cls) {
  return [h('dt', { text: term }), h('dd', { class: cls }, [typeof value === 'string' ? document.createTextNode(value) : value])];
}

/** Draws the open conversation's context (or clears it while it loads). */
export function renderContext() {
  const ctx = state.selected && contexts.get(state.selected);
  clearInterval(clock);
  const list = $('conv-context');
  const earlier = $('earlier');
  if (!ctx) { list.replaceChildren(); earlier.hidden = true; return; }
  const p = ctx.page;
  const items = [];
  if (p) {
    const online = state.online.get(ctx.visitor_id) ?? ctx.visitor_online;
    const link = /^https?:/i.test(p.page_url)
      ? h('a', { href: p.page_url, target: '_blank', rel: 'noopener noreferrer', title: p.page_url, text: p.page_title || p.page_url })
      : h('span', { text: p.page_url });
    items.push(...pair(online ? 'Current page' : 'Last page', link, 'page'));
    if (p.referrer) items.push(...pair('Came from', h('span', { title: p.referrer, text: host(p.referrer) })));
    if (p.language) items.push(...pair('Language', p.language));
    const local = p.time_zone && localTime(p.time_zone);
    if (local) items.push(...pair('Local time', local, 'local-time'));
  } else {
    items.push(...pair('Page', 'not reported yet'));
  }
  if (ctx.country) items.push(...pair('Country', ctx.country));
  items.push(...pair('Customer id', ctx.customer_id || h('span', { title: 'Anonymous visitor: the site has not signed a customer id', text: '—' })));
  list.replaceChildren(...items);
  if (p && p.time_zone) clock = setInterval(() => { const t = list.querySelector('.local-time'); if (t) t.textContent = localTime(p.time_zone); }, 30000);
  renderEarlier(ctx);
}

function renderEarlier(ctx) {
  $('earlier').hidden = !ctx.earlier.length;
  $('earlier-count').textContent = String(ctx.earlier.length);
  $('earlier-list').replaceChildren(...ctx.earlier.map((c) => h('li', {}, [
    h('button', { type: 'button', class: 'link', 'data-earlier': c.id, text: `${when(c.created_at)} · ${c.status}` }),
    c.last_message && h('span', { class: 'muted', text: ` ${c.last_message.text}` }),
  ])));
}

/** Opens earlier conversation `earlier` of the open one's visitor, read-only, in a dialog. */
async function openEarlier(earlier, opener) {
  const id = state.selected;
  const dialog = $('earlier-dialog');
  $('earlier-timeline').replaceChildren();
  $('earlier-error').textContent = '';
  dialog.showModal();
  dialog.addEventListener('close', () => opener.focus(), { once: true });
  try {
    const view = await api('GET', `/conversations/${id}/earlier/${earlier}`);
    $('earlier-meta').textContent = `Started ${when(view.conversation.created_at)} · ${view.conversation.state.status} · read-only`;
    $('earlier-timeline').replaceChildren(...view.entries.map(renderEntry));
  } catch (err) {
    $('earlier-error').textContent = `Could not open it: ${err.message}`;
  }
}

/** Wires the earlier conversations' buttons. */
export function wireContext() {
  $('earlier-list').addEventListener('click', (e) => {
    const button = e.target.closest('[data-earlier]');
    if (button) openEarlier(button.dataset.earlier, button);
  });
}
