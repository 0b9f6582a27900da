// Keyboard shortcuts: r reply, s opens the snooze menu (then 3, d or c: 3 hours, 1 day, a
// date), e or c close, j / k (or Alt+ArrowDown / Alt+ArrowUp) next / previous conversation,
// ? the list of them. They never act while the expert types in a field or a dialog is open,
// and they go through the same functions as the buttons.

import { $, state } from '/panel/state.js';
import { select } from '/panel/timeline.js';
import { closeMenu, openCustom, openMenu, snooze } from '/panel/snooze.js';
import { askClose } from '/panel/close.js';

/** In the snooze menu: key -> what it picks (the same as clicking the item). */
const SNOOZE_KEYS = {
  3: () => snooze({ kind: 'three_hours' }),
  d: () => snooze({ kind: 'one_day' }),
  c: () => openCustom(),
};

/** Is the key typed into a field? */
function inField(e) {
  const t = e.target;
  return t instanceof Element && !!t.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])');
}

/** Is the key for an open dialog, an input method or the browser (Ctrl, Meta)? */
function notOurs(e) {
  return e.ctrlKey || e.metaKey || e.isComposing || !!document.querySelector('dialog[open]');
}

/** The open conversation's view is on screen. */
function conversationShown() {
  return !$('conversations-view').hidden && !$('conv-view').hidden && !!state.selected;
}

/** Opens the conversation `step` places after (1) or before (-1) the open one in the list. */
export function moveSelection(step) {
  const ids = [...document.querySelectorAll('.conv-item')].map((b) => b.dataset.id);
  if (!ids.length || $('conversations-view').hidden) return false;
  const i = ids.indexOf(state.selected);
  const from = i < 0 && step < 0 ? 0 : i;
  closeMenu(false);
  select(ids[(from + step + ids.length) % ids.length]);
  return true;
}

/** The action for key `key` now, or null when it does nothing here. */
function actionFor(key) {
  if (key === '?') return () => showHelp();
  if (key === 'j') return () => moveSelection(1);
  if (key === 'k') return () => moveSelection(-1);
  if (!conversationShown()) return null;
  const menuOpen = !$('snooze-menu').hidden;
  if (menuOpen) return SNOOZE_KEYS[key.toLowerCase()] || null;
  if (key === 'r' && !$('reply').hidden) return () => $('reply-text').focus();
  if (key === 's' && !$('snooze-btn').disabled) return () => openMenu();
  if ((key === 'e' || key === 'c') && !$('close-btn').disabled) return () => askClose();
  return null;
}

function onKey(e) {
  if (notOurs(e)) return;
  // Alt+ArrowDown / Alt+ArrowUp type nothing: they work from the reply box too.
  if (e.altKey) {
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && moveSelection(e.key === 'ArrowDown' ? 1 : -1)) e.preventDefault();
    return;
  }
  if (inField(e)) return;
  const act = actionFor(e.key);
  if (!act) return;
  e.preventDefault();
  act();
}

/** Opens the list of shortcuts. */
export function showHelp() {
  $('keys-dialog').showModal();
  $('keys-dialog').querySelector('[data-close]').focus();
}

/** Listens for the shortcuts and tells assistive technology about them. */
export function wireShortcuts() {
  document.addEventListener('keydown', onKey);
  $('keys-btn').addEventListener('click', showHelp);
  $('reply-text').setAttribute('aria-keyshortcuts', 'R');
  $('snooze-btn').setAttribute('aria-keyshortcuts', 'S');
  $('close-btn').setAttribute('aria-keyshortcuts', 'E C');
  for (const [key, kind] of [['3', 'three_hours'], ['D', 'one_day'], ['C', 'custom']]) {
    $('snooze-menu').querySelector(`[data-snooze="${kind}"]`).setAttribute('aria-keyshortcuts', key);
  }
}
