// Transfer: the dialog that hands the open conversation to a colleague (the server lists
// them with whether each can take it now, by the transfer's own rule) or back to the
// brand queue, with an optional note for the colleague. A refusal (the colleague became
// full or unavailable meanwhile) is explained in plain words and changes nothing.

import { h } from '/lib/api.js';
import { $, state, api, announce, current } from '/panel/state.js';
import { applyResult } from '/panel/sync.js';

const STATUS = { available: 'available', away: 'away', offline: 'offline' };

/** Why a colleague cannot take it, as the panel says it. */
function refusalText(name, type) {
  if (type === '/problems/over-capacity') return `${name} is full: no free slot right now. Pick someone else or send it back to the queue.`;
  if (type === '/problems/expert-unavailable') return `${name} is not available right now (away or offline). Pick someone else or send it back to the queue.`;
  return null;
}

function option(value, label, detail, disabled) {
  const id = `transfer-to-${value || 'queue'}`;
  return h('li', {}, [
    h('input', { type: 'radio', name: 'transfer-to', id, value, disabled: disabled || undefined }),
    h('label', { for: id }, [h('span', { text: label }), h('span', { class: 'muted', text: detail })]),
  ]);
}

/** Opens the dialog with the colleagues as the server sees them now. */
export async function askTransfer() {
  $('transfer-error').textContent = '';
  $('transfer-note').value = '';
  let res;
  try { res = await api('GET', '/colleagues'); } catch (err) { announce(`Could not load colleagues: ${err.message}`); return; }
  state.colleagues = res.colleagues;
  const items = [option('', 'Back to the queue', ' — the next free expert gets it', false)];
  for (const c of res.colleagues) {
    const why = c.can_take ? '' : ` — ${c.refusal === '/problems/over-capacity' ? 'full' : 'not available'}`;
    const detail = ` · ${STATUS[c.status] || c.status}, ${c.slots.free} of ${c.slots.capacity} slots free${why}`;
    items.push(option(c.id, c.name, detail, !c.can_take));
  }
  $('transfer-list').replaceChildren(...items);
  const first = $('transfer-list').querySelector('input:not([disabled])');
  if (first) first.checked = true;
  $('transfer-dialog').showModal();
  first?.focus();
}

/** Transfers the open conversation to the picked colleague (or the queue). */
async function confirmTransfer(e) {
  e.preventDefault();
  const c = current();
  const picked = $('transfer-list').querySelector('input:checked');
  if (!c || !picked) return;
  const to = picked.value || null;
  const name = to ? (state.colleagues.find((x) => x.id === to)?.name || 'That colleague') : null;
  const note = $('transfer-note').value.trim();
  $('transfer-error').textContent = '';
  try {
    const res = await api('POST', `/conversations/${c.id}/transfer`, { expert_id: to, ...(note ? { note } : {}) });
    $('transfer-dialog').close();
    applyResult(res);
    announce(to ? `Transferred to ${name}.` : 'Sent back to the queue.');
  } catch (err) {
    const type = err.problem && err.problem.type;
    $('transfer-error').textContent = refusalText(name, type) || `Not transferred: ${err.message}`;
  }
}

/** Wires the dialog. */
export function wireTransfer() {
  $('transfer-btn').addEventListener('click', askTransfer);
  $('transfer-form').addEventListener('submit', confirmTransfer);
}
