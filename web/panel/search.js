// The expert's "History" view: every conversation they handled (closed ones included),
// newest first, a search over them, and a read-only reader for the one picked.
// Snippets and messages are only ever set as textContent; matches are <mark> elements.

import { call, h, when } from '/lib/api.js';
import { snippet, STATUS_TEXT } from '/lib/snippet.js';

const API = '/api/v1/expert';
const $ = (id) => document.getElementById(id);

const AUTHOR_TEXT = { visitor: 'Visitor', expert: 'Expert', system: 'Automatic message' };

/** The label of a visitor id, as the conversation list shows it. */
const labelOf = (visitorId) => `Visitor ${visitorId.slice(-4).toUpperCase()}`;

/** One row of the history or of the results: a button opening the conversation. */
function row(id, visitorId, status, at, extra) {
  return h('li', {}, [h('button', { type: 'button', class: 'hist-item', 'data-id': id }, [
    h('span', { class: 'name', text: labelOf(visitorId) }),
    h('span', { class: `badge ${status}`, text: STATUS_TEXT[status] || status }),
    h('span', { class: 'muted when', text: when(at) }),
    extra,
  ])]);
}

/** Wires the view; `token()` gives the current session token. Returns `{ load }`. */
export function historyView(token) {
  const get = (path) => call('GET', API + path, { token: token() });
  let more = null;

  async function load() {
    $('hist-error').textContent = '';
    const q = $('search-q').value.trim();
    try {
      if (q) await find(q); else await browse(null);
    } catch (err) {
      $('hist-error').textContent = err.status === 400 ? 'Type a word to search for (letters or digits).' : `Could not load: ${err.message}`;
    }
  }

  async function browse(cursor) {
    const page = await get(`/conversations?history=true&limit=30${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    const items = page.conversations.map((c) => row(c.id, c.visitor_id, c.state.status, c.last_message_at || c.created_at));
    show(`Conversations you handled, newest first`, items, cursor, page.next_cursor && (() => browse(page.next_cursor)));
  }

  async function find(q, cursor) {
    const page = await get(`/search?q=${encodeURIComponent(q)}&limit=30${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    const items = page.results.map((r) => row(r.conversation_id, r.visitor_id, r.status, r.matched_at, snippet(r.snippet)));
    const title = page.results.length || cursor ? `Results for “${q}”` : `Nothing found for “${q}”`;
    show(title, items, cursor, page.next_cursor && (() => find(q, page.next_cursor)));
  }

  function show(title, items, appended, next) {
    $('hist-title').textContent = title;
    if (appended) $('hist-list').append(...items); else $('hist-list').replaceChildren(...items);
    more = next || null;
    $('hist-more').hidden = !more;
  }

  async function open(id) {
    $('hist-error').textContent = '';
    try {
      const view = await get(`/conversations/${id}?limit=200`);
      const c = view.conversation;
      $('hist-conv-title').textContent = `${labelOf(c.visitor_id)} · ${STATUS_TEXT[c.state.status] || c.state.status}`;
      const messages = view.entries.filter((e) => e.type === 'message').map((e) => h('li', { class: `msg ${e.author.kind}` }, [
        h('span', { class: 'muted', text: `${AUTHOR_TEXT[e.author.kind] || e.author.kind} · ${when(e.at)}` }),
        h('p', { class: 'body', text: e.body }),
      ]));
      $('hist-timeline').replaceChildren(...messages);
      $('hist-conv').hidden = false;
      $('hist-conv').focus();
    } catch (err) {
      $('hist-error').textContent = `Could not open it: ${err.message}`;
    }
  }

  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  $('hist-more').addEventListener('click', () => more && more().catch((err) => { $('hist-error').textContent = `Could not load: ${err.message}`; }));
  $('hist-list').addEventListener('click', (e) => {
    const id = e.target.closest('.hist-item')?.dataset.id;
    if (id) open(id);
  });
  return { load };
}
