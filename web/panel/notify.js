// Telling the expert what needs them while they look elsewhere: desktop notifications
// (once they allowed them), an optional short generated beep, and the tab title counting
// the conversations that await their reply. The settings stay in this browser.

import { $, state, awaitsReply } from '/panel/state.js';

const KEY = 'ebb:panel:notify';
const TITLE = 'Ebb · Expert panel';

/** What the expert chose: desktop notifications and sound. */
const settings = read();
let openConversation = () => {};

function read() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || '{}');
    return { desktop: saved.desktop === true, sound: saved.sound !== false };
  } catch { return { desktop: false, sound: true }; }
}

function save() { localStorage.setItem(KEY, JSON.stringify(settings)); }

/** How many of the expert's conversations await their reply (the list's "awaits you"). */
export function awaiting() {
  return [...state.conversations.values()].filter(awaitsReply).length;
}

/** The tab title: "(n) ..." while n conversations await the expert's reply. */
export function updateTitle() {
  const n = awaiting();
  document.title = n ? `(${n}) ${TITLE}` : TITLE;
}

/** Is the expert looking at conversation `id` right now? */
function watching(id) { return !document.hidden && id === state.selected; }

/** Conversation id -> the highest seq of a visitor message already told about. */
const heard = new Map();

/** A newly assigned conversation `c` named `name`; one woken by a visitor's reply is told
 * as that reply. */
export function notifyAssigned(c, name) {
  if (c.state.wake === 'visitor_replied') return;
  heard.set(c.id, Math.max(heard.get(c.id) || 0, c.last_seq));
  if (watching(c.id)) return;
  tell(c.id, `New conversation: ${name}`, 'It was assigned to you.');
}

/** A visitor message `entry` in the expert's conversation `c` named `name` (once per entry). */
export function notifyReply(c, name, entry) {
  if (entry.seq <= (heard.get(c.id) || 0)) return;
  heard.set(c.id, entry.seq);
  if (watching(c.id)) return;
  tell(c.id, `${name} replied`, entry.body.slice(0, 120));
}

function tell(id, title, body) {
  if (settings.sound) beep();
  if (!settings.desktop || !('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: `ebb-${id}` });
    n.onclick = () => { window.focus(); openConversation(id); n.close(); };
  } catch { /* no notification: the title and the sound still tell */ }
}

let audio;
function beep() {
  try {
    audio = audio || new AudioContext();
    if (audio.state !== 'running') return;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.value = 0.05;
    osc.frequency.value = 880;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.15);
  } catch { /* no sound: the title badge is enough */ }
}

/** Sound needs a user gesture first: call on the first pointer press or key. */
export function unlockSound() {
  try { audio = audio || new AudioContext(); audio.resume(); } catch { /* no sound */ }
}

/** Words for where desktop notifications stand in this browser. */
function permissionText() {
  if (!('Notification' in window)) return 'This browser cannot show desktop notifications.';
  if (Notification.permission === 'denied') return 'The browser blocks notifications for this site: allow them in its site settings.';
  if (Notification.permission === 'granted') return settings.desktop ? 'Notifications are on.' : 'Allowed by the browser; tick the box to get them.';
  return 'Ticking the box asks your browser for permission.';
}

function render() {
  $('notify-desktop').checked = settings.desktop && 'Notification' in window && Notification.permission === 'granted';
  $('notify-sound').checked = settings.sound;
  $('notify-status').textContent = permissionText();
}

/** Turns desktop notifications on (asking the browser, from the click) or off. */
async function toggleDesktop(e) {
  const want = e.target.checked;
  // Asked from the click even when allowed already: the browser then answers at once.
  if (want && 'Notification' in window) {
    try { await Notification.requestPermission(); } catch { /* treated as not granted */ }
  }
  settings.desktop = want && 'Notification' in window && Notification.permission === 'granted';
  save();
  render();
}

/** Wires the settings dialog; `open(id)` opens a conversation (a notification's click). */
export function wireNotify({ open }) {
  openConversation = open;
  $('notify-btn').addEventListener('click', () => { render(); $('notify-dialog').showModal(); $('notify-desktop').focus(); });
  $('notify-desktop').addEventListener('change', toggleDesktop);
  $('notify-sound').addEventListener('change', (e) => { settings.sound = e.target.checked; save(); render(); });
  document.addEventListener('pointerdown', unlockSound, { once: true });
  document.addEventListener('keydown', unlockSound, { once: true });
}
