// Search results shared by the expert panel and the admin console: a snippet's pieces as
// text, the matched ones in <mark>, and the visitor label both show.

import { h } from '/lib/api.js';

/** A snippet (`[{text, matched}]`) as a span; never HTML. */
export function snippet(parts) {
  return h('span', { class: 'snippet' }, parts.map((p) => (p.matched ? h('mark', { text: p.text }) : document.createTextNode(p.text))));
}

/** What a conversation's status reads as in a result. */
export const STATUS_TEXT = { queued: 'waiting', assigned: 'open', snoozed: 'snoozed', closed: 'closed' };
