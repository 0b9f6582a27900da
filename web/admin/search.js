// The console's "Search" section: full-text search over every conversation of the brand
// (closed ones included), newest match first, with the matched words marked.

import { h, when } from '/lib/api.js';
import { snippet, STATUS_TEXT } from '/lib/snippet.js';

const $ = (id) => document.getElementById(id);

/** `api(method, path)` calls the admin API. Wires the form; returns `{ focus }`. */
export function searchSection({ api }) {
  let next = null;
  let q = '';

  async function run(cursor) {
    $('asearch-error').textContent = '';
    try {
      const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await api('GET', `/search?q=${encodeURIComponent(q)}&limit=30${after}`);
      const rows = page.results.map((r) => h('li', { class: 'result' }, [
        h('strong', { text: r.visitor_label }),
        h('span', { class: 'muted', text: ` · ${STATUS_TEXT[r.status] || r.status} · ${when(r.matched_at)} · ` }),
        h('code', { text: r.conversation_id }),
        h('br'),
        snippet(r.snippet),
      ]));
      if (cursor) $('asearch-results').append(...rows); else $('asearch-results').replaceChildren(...rows);
      $('asearch-status').textContent = page.results.length || cursor ? '' : `Nothing found for “${q}”.`;
      next = page.next_cursor;
      $('asearch-more').hidden = !next;
    } catch (err) {
      $('asearch-error').textContent = err.status === 400 ? 'Type a word to search for (letters or digits).' : `Search failed: ${err.message}`;
    }
  }

  $('asearch-form').addEventListener('submit', (e) => { e.preventDefault(); q = $('asearch-q').value.trim(); run(null); });
  $('asearch-more').addEventListener('click', () => next && run(next));
  return { focus: () => $('asearch-q').focus() };
}
