// Snoozing: the "Snooze" menu (3 hours, 1 day, a chosen moment, or until the visitor is
// back with an at-most moment) with its keyboard handling, and the date picker dialog. The
// server checks the brand's limits; the picker shows the longest snooze the server tells it.

import { $, state, api, announce } from '/panel/state.js';
import { applyResult } from '/panel/sync.js';

const DAY_MS = 86400000;
/** What the picker chooses: `custom` (a moment) or `until_return` (its at-most moment). */
let pickFor = 'custom';
const PICKER = {
  custom: { title: 'Snooze until…', label: 'Date and time (your local time)', days: 1, hint: '' },
  until_return: {
    title: 'Snooze until the visitor is back',
    label: 'At the latest (your local time)',
    days: 3,
    hint: 'It comes back to you as soon as the visitor is on the site again, or at this moment if they stay away. ',
  },
};

/** Snoozes the open conversation with `choice`; true when the server accepted it. */
export async function snooze(choice) {
  closeMenu();
  const id = state.selected;
  try {
    applyResult(await api('POST', `/conversations/${id}/snooze`, { choice }));
    announce('Conversation snoozed. Your slot is free.');
    return true;
  } catch (err) {
    $('reply-error').textContent = `Could not snooze: ${err.message}`;
    return false;
  }
}

/** Opens the menu and focuses its first item. */
export function openMenu() {
  $('snooze-menu').hidden = false;
  $('snooze-btn').setAttribute('aria-expanded', 'true');
  $('snooze-menu').querySelector('button').focus();
}

/** Closes the menu, optionally giving the focus back to its button. */
export function closeMenu(focusButton) {
  $('snooze-menu').hidden = true;
  $('snooze-btn').setAttribute('aria-expanded', 'false');
  if (focusButton) $('snooze-btn').focus();
}

/** Arrow keys, Home, End, Escape and Tab inside the menu. */
export function menuKeys(e) {
  const items = [...$('snooze-menu').querySelectorAll('button')];
  const i = items.indexOf(document.activeElement);
  const go = (n) => { e.preventDefault(); items[n].focus(); };
  if (e.key === 'Escape') { e.preventDefault(); closeMenu(true); }
  else if (e.key === 'ArrowDown') go((i + 1) % items.length);
  else if (e.key === 'ArrowUp') go((i - 1 + items.length) % items.length);
  else if (e.key === 'Home') go(0);
  else if (e.key === 'End') go(items.length - 1);
  else if (e.key === 'Tab') closeMenu(false);
}

function pad(n) { return String(n).padStart(2, '0'); }
function localInput(d) { return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`; }

/** Opens the date picker for `kind` (`custom` or `until_return`), bounded by the brand's
 * longest snooze (from `/me`). */
export function openCustom(kind = 'custom') {
  closeMenu();
  pickFor = kind;
  const picker = PICKER[kind];
  const now = Date.now();
  const input = $('custom-when');
  const max = now + state.maxSnoozeDays * DAY_MS;
  input.min = localInput(new Date(now + 60000));
  input.max = localInput(new Date(max));
  input.value = localInput(new Date(Math.min(now + picker.days * DAY_MS, max)));
  $('custom-title').textContent = picker.title;
  $('custom-when-label').textContent = picker.label;
  $('custom-hint').textContent = `${picker.hint}Any time from now up to ${state.maxSnoozeDays} days ahead.`;
  $('custom-error').textContent = '';
  $('custom-dialog').showModal();
  input.focus();
}

/** Snoozes until the picked moment. */
export async function submitCustom(e) {
  e.preventDefault();
  const value = $('custom-when').value;
  const until = new Date(value);
  if (!value || Number.isNaN(until.getTime()) || until <= new Date()) {
    $('custom-error').textContent = 'Pick a moment in the future.';
    return;
  }
  const at = until.toISOString();
  const ok = await snooze(pickFor === 'until_return' ? { kind: 'until_return', at_most: at } : { kind: 'until', until: at });
  if (ok) $('custom-dialog').close();
  else $('custom-error').textContent = $('reply-error').textContent;
}
