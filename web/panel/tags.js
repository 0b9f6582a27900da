// Brand tags in the panel: the brand's tags (its admins define them) put on and taken off
// the open conversation, and the list filter that keeps the conversations carrying one.
// The tags of each conversation are the server's (the list's `tags`), updated after each
// change the server accepted.

import { everyPage, h } from '/lib/api.js';
import { $, state, api, announce, current } from '/panel/state.js';
import { renderList } from '/panel/list.js';

/** Loads the brand's tags and fills the filter. */
export async function loadTags() {
  const res = await everyPage((p) => api('GET', p), '/tags', 'tags');
  state.brandTags = res.tags;
  const keep = state.tagFilter;
  $('tag-filter').replaceChildren(
    h('option', { value: '', text: 'All conversations' }),
    ...res.tags.map((t) => h('option', { value: t.id, text: t.name })),
  );
  state.tagFilter = res.tags.some((t) => t.id === keep) ? keep : '';
  $('tag-filter').value = state.tagFilter;
  $('tag-filter-row').hidden = !res.tags.length;
}

/** Draws the open conversation's tags with a remove button each, and the "add" menu. */
export function renderTags(c = current()) {
  const box = $('conv-tags');
  if (!c) { box.replaceChildren(); return; }
  const on = c.tags || [];
  const chips = on.map((t) => h('span', { class: 'chip', 'data-tag': t.id }, [
    h('span', { text: t.name }),
    h('button', { type: 'button', class: 'chip-x', 'data-untag': t.id, 'aria-label': `Remove tag ${t.name}`, text: '×' }),
  ]));
  const free = (state.brandTags || []).filter((t) => !on.some((o) => o.id === t.id));
  const add = free.length ? h('select', { id: 'tag-add', 'aria-label': 'Add a tag' }, [
    h('option', { value: '', text: '+ Add a tag' }),
    ...free.map((t) => h('option', { value: t.id, text: t.name })),
  ]) : null;
  box.replaceChildren(...chips, add);
}

/** Puts (`on`) or takes off tag `tagId` on the open conversation. */
async function setTag(tagId, on) {
  const c = current();
  const tag = (state.brandTags || []).find((t) => t.id === tagId);
  if (!c || !tag) return;
  try {
    await api(on ? 'PUT' : 'DELETE', `/conversations/${c.id}/tags/${tagId}`);
    const others = (c.tags || []).filter((t) => t.id !== tagId);
    c.tags = on ? [...others, tag].sort((a, b) => a.name.localeCompare(b.name)) : others;
    announce(on ? `Tagged ${tag.name}.` : `Tag ${tag.name} removed.`);
  } catch (err) {
    announce(`Tag not changed: ${err.message}`);
  }
  renderTags();
  renderList();
}

/** Wires the filter and the open conversation's tag controls. */
export function wireTags() {
  $('tag-filter').addEventListener('change', (e) => { state.tagFilter = e.target.value; renderList(); });
  $('conv-tags').addEventListener('change', (e) => {
    if (e.target.id === 'tag-add' && e.target.value) setTag(e.target.value, true);
  });
  $('conv-tags').addEventListener('click', (e) => {
    const id = e.target.closest('[data-untag]')?.dataset.untag;
    if (id) setTag(id, false);
  });
}
