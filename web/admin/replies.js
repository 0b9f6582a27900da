// The console's saved-replies editor: the brand's list (key, title, text), edited in place
// and saved as a whole (PUT replaces every reply).

import { h } from '/lib/api.js';

const $ = (id) => document.getElementById(id);
let serial = 0;

/** `api(method, path, body)` calls the admin API. Returns `{ load }`. */
export function repliesEditor({ api, announce }) {
  function row(r = { key: '', title: '', body: '' }) {
    serial += 1;
    const id = `sr-${serial}`;
    const li = h('li', { class: 'reply-row' });
    const remove = h('button', { type: 'button', class: 'danger', onclick: () => { li.remove(); announce('Saved reply removed; save to keep the change.'); } });
    remove.textContent = 'Remove';
    li.append(
      h('label', { for: `${id}-key`, text: 'Key' }),
      h('input', { id: `${id}-key`, name: 'key', value: r.key, required: true, pattern: '[A-Za-z0-9_]{1,40}', maxlength: '40' }),
      h('label', { for: `${id}-title`, text: 'Title' }),
      h('input', { id: `${id}-title`, name: 'title', value: r.title, required: true, maxlength: '100' }),
      h('label', { for: `${id}-body`, text: 'Text' }),
      h('textarea', { id: `${id}-body`, name: 'body', rows: '3', required: true, maxlength: '4000' }),
      h('div', { class: 'actions' }, [remove]),
    );
    li.querySelector('textarea').value = r.body;
    return li;
  }

  async function load() {
    $('replies-error').textContent = '';
    try {
      const res = await api('GET', '/saved-replies');
      $('replies').replaceChildren(...res.saved_replies.map(row));
    } catch (err) { $('replies-error').textContent = `Could not load saved replies: ${err.message}`; }
  }

  async function save(e) {
    e.preventDefault();
    $('replies-error').textContent = '';
    $('replies-ok').textContent = '';
    const list = [...$('replies').children].map((li) => ({
      key: li.querySelector('[name=key]').value.trim(),
      title: li.querySelector('[name=title]').value.trim(),
      body: li.querySelector('[name=body]').value,
    }));
    try {
      await api('PUT', '/saved-replies', { saved_replies: list });
      $('replies-ok').textContent = `Saved ${list.length} replies.`;
      await load();
    } catch (err) { $('replies-error').textContent = `Not saved: ${err.message}`; }
  }

  $('replies-form').addEventListener('submit', save);
  $('reply-add').addEventListener('click', () => {
    const li = row();
    $('replies').append(li);
    li.querySelector('input').focus();
  });
  return { load };
}
