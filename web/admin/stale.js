// The console's stale-work section: the brand's two thresholds, and the conversations that
// went stale under them (the server decides which), grouped by expert, each with a one-click
// reassign through the same API as the live queue's.

import { everyPage, filling, h, when } from '/lib/api.js';

const REASONS = {
  snoozed: 'snoozed too long',
  awaiting_expert: 'visitor waiting for an answer',
  awaiting_visitor: 'waiting for the visitor',
};

/** `api(method, path, body)` calls the admin API; `experts()` is the team as last loaded.
 * Builds the section inside `[data-view=stale]`. Returns `{ load }`. */
export function staleSection({ api, experts, announce }) {
  const number = (id, name, max) => h('input', { id, name, type: 'number', min: '1', max, required: true });
  const waiting = number('stale-waiting', 'waiting_minutes', '43200');
  const snoozed = number('stale-snoozed', 'snoozed_minutes', '525600');
  const error = h('p', { class: 'error', id: 'stale-error', role: 'alert' });
  const ok = h('p', { class: 'ok', id: 'stale-ok', role: 'status' });
  const groups = h('div', { id: 'stale-groups' });
  const form = h('form', { id: 'stale-form', class: 'invite', 'aria-labelledby': 'h-stale-limits', onsubmit: save }, [
    h('label', {}, [document.createTextNode('Minutes waiting for a reply'), waiting]),
    h('label', {}, [document.createTextNode('Minutes snoozed'), snoozed]),
    h('button', { class: 'primary', type: 'submit', text: 'Save thresholds' }),
  ]);
  document.querySelector('[data-view=stale]').replaceChildren(h('section', { class: 'card wide', 'aria-labelledby': 'h-stale' }, [
    h('h2', { id: 'h-stale', text: 'Stale work' }),
    h('p', { class: 'muted', text: 'Conversations nobody has moved on for too long: a visitor or an expert waiting for an answer, or a snooze that has lasted a while. Hand them to someone else in one click.' }),
    h('h3', { id: 'h-stale-limits', text: 'When is a conversation stale?' }),
    form, ok, error, groups,
  ]));

  async function load() {
    error.textContent = '';
    try {
      const [, list] = await filling(form, () => Promise.all([
        api('GET', '/stale-thresholds'),
        everyPage((p) => api('GET', p), '/stale', 'experts'),
      ]).then((answers) => {
        waiting.value = answers[0].waiting_minutes;
        snoozed.value = answers[0].snoozed_minutes;
        return answers;
      }));
      render(list.experts);
    } catch (err) { error.textContent = `Could not load stale work: ${err.message}`; }
  }

  async function save(e) {
    e.preventDefault();
    error.textContent = '';
    ok.textContent = '';
    try {
      await api('PUT', '/stale-thresholds', { waiting_minutes: Number(waiting.value), snoozed_minutes: Number(snoozed.value) });
      ok.textContent = 'Saved.';
      await load();
    } catch (err) { error.textContent = `Not saved: ${err.message}`; }
  }

  function render(list) {
    if (!list.length) {
      groups.replaceChildren(h('p', { class: 'muted', id: 'stale-none', text: 'Nothing is stale right now.' }));
      return;
    }
    groups.replaceChildren(...list.map((g) => {
      const name = g.expert_name || (g.expert_id ? 'An expert' : 'Nobody yet (the queue)');
      return h('section', { 'data-stale-expert': g.expert_id || 'queue' }, [
        h('h3', { text: `${name} · ${g.conversations.length} stale` }),
        h('table', {}, [
          h('thead', {}, [h('tr', {}, ['Visitor', 'Why', 'Since', 'Reassign'].map((t) => h('th', { scope: 'col', text: t })))]),
          h('tbody', {}, g.conversations.map((c) => row(c, g.expert_id))),
        ]),
      ]);
    }));
  }

  function row(c, owner) {
    const label = `Visitor ${c.visitor_id.slice(-4).toUpperCase()}${c.visitor_online ? ' (online)' : ''}`;
    const others = experts().filter((x) => !x.disabled && !x.pending && x.id !== owner);
    const cells = [h('td', { text: label }), h('td', { text: REASONS[c.reason] || c.reason }), h('td', { text: when(c.since) })];
    if (!others.length) return h('tr', { 'data-stale-conversation': c.id }, [...cells, h('td', { class: 'muted', text: 'No one else to take it' })]);
    const pick = h('select', { 'aria-label': `Reassign ${label} to` }, others.map((x) => h('option', { value: x.id, text: x.name })));
    const go = h('button', { type: 'button', text: 'Reassign', onclick: () => reassign(c, pick, label) });
    return h('tr', { 'data-stale-conversation': c.id }, [...cells, h('td', {}, [pick, document.createTextNode(' '), go])]);
  }

  async function reassign(c, pick, label) {
    error.textContent = '';
    const to = pick.selectedOptions[0]?.textContent || 'them';
    try {
      await api('POST', `/conversations/${c.id}/reassign`, { expert_id: pick.value });
      announce(`${label} reassigned to ${to}.`);
      await load();
    } catch (err) { error.textContent = `${label}: ${err.message}`; }
  }

  return { load };
}
