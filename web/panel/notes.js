// Internal notes in the open conversation: read from the server when it opens, shown in
// the timeline at their time and marked as internal (the visitor never sees them), and
// written from the note box under the timeline. Notes are not pushed live: the panel
// reads the list when the conversation opens and adds the ones it writes.

import { h, when } from '/lib/api.js';
import { $, state, api, announce } from '/panel/state.js';

const LABEL = 'Internal note — the visitor doesn\'t see this';

function author(note) {
  if (note.author.kind === 'admin') return 'An admin';
  return state.me && note.author.id === state.me.id ? 'You' : 'A colleague';
}

function renderNote(note) {
  return h('li', { class: 'note', 'data-note': note.id }, [
    h('span', { class: 'note-label', text: LABEL }),
    h('span', { class: 'who', text: author(note) }),
    h('time', { datetime: note.created_at, text: when(note.created_at) }),
    h('p', { class: 'body', text: note.body }),
  ]);
}

/** Puts a note in the timeline before the first item that is later than it. */
function place(note) {
  if (document.querySelector(`#timeline [data-note="${CSS.escape(note.id)}"]`)) return;
  const at = Date.parse(note.created_at);
  const later = [...$('timeline').children].find((li) => {
    const t = li.querySelector('time')?.getAttribute('datetime');
    return t && Date.parse(t) > at;
  });
  $('timeline').insertBefore(renderNote(note), later || null);
}

/** Reads every note of the open conversation `id` and shows them. */
export async function loadNotes(id) {
  let cursor = null;
  for (let n = 0; n < 50 && id === state.selected; n += 1) {
    const q = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    let res;
    try { res = await api('GET', `/conversations/${id}/notes${q}`); } catch { return; }
    if (id !== state.selected) return;
    res.notes.forEach(place);
    cursor = res.next_cursor;
    if (!cursor) return;
  }
}

/** Writes the note in the note box on the open conversation. */
async function addNote(e) {
  e.preventDefault();
  const id = state.selected;
  const body = $('note-text').value.trim();
  $('note-error').textContent = '';
  if (!id || !body) return;
  try {
    const note = await api('POST', `/conversations/${id}/notes`, { body });
    $('note-text').value = '';
    if (id === state.selected) {
      $('timeline').append(renderNote(note));
      $('timeline').lastElementChild.scrollIntoView({ block: 'end' });
    }
    announce('Internal note added.');
  } catch (err) {
    $('note-error').textContent = `Note not saved: ${err.message}`;
  }
}

/** Wires the note box. */
export function wireNotes() {
  $('note-form').addEventListener('submit', addNote);
}
