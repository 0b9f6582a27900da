// The console's report section: the brand's figures for a period (GET /reports) as key
// numbers, two charts drawn here (ratings distribution, async vs in one sitting) and the
// earnings per kind.

import { h } from '/lib/api.js';
import { money, rating, percent, duration, barChart, splitBar } from '/lib/report.js';

const $ = (id) => document.getElementById(id);

const KIND_TEXT = { contact_fee: 'Contact fees', commission: 'Commissions', commission_reversal: 'Reversed commissions' };

/** `api(method, path)` calls the admin API. Returns `{ load(query) }`. */
export function reportSection({ api }) {
  async function load(query) {
    $('reports-error').textContent = '';
    try {
      render(await api('GET', `/reports${query}`));
    } catch (err) {
      $('reports-error').textContent = `Could not load the report: ${err.message}`;
    }
  }

  function render(r) {
    const c = r.conversations;
    const sums = (list) => (list.length ? list.map((a) => money(a.amount_minor, a.currency)).join(' + ') : '—');
    const figures = [
      ['Conversations', String(c.conversations), 'conversations'],
      ['Closed', String(c.closed), 'closed'],
      ['Handled asynchronously', percent(c.async_share), 'async'],
      ['First reply (median)', duration(c.first_response.median_seconds), 'first-reply'],
      ['Time to close (median)', duration(c.time_to_close.median_seconds), 'time-to-close'],
      ['Snoozes per conversation', c.snoozes_per_conversation === null ? '—' : c.snoozes_per_conversation.toFixed(1), 'snoozes'],
      ['Satisfaction', rating(r.csat.average), 'csat'],
      ['Purchases after a conversation', sums(r.purchases.attributed), 'attributed'],
      ['Conversion', percent(r.conversion_rate), 'conversion'],
    ];
    $('report-figures').replaceChildren(...figures.map(([label, value, key]) => h('div', { class: 'figure', 'data-figure': key }, [
      h('dt', { text: label }), h('dd', { text: value }),
    ])));

    const dist = r.csat.distribution;
    $('chart-csat').replaceChildren(barChart(dist.map((n, i) => ({ label: `${i + 1}`, value: n })), {
      summary: `Ratings: ${dist.map((n, i) => `${n} × ${i + 1}`).join(', ')} (${r.csat.responses} in all)`,
    }));
    const inOneGo = Math.max(0, c.conversations - c.handled_async);
    $('chart-async').replaceChildren(splitBar([
      { label: 'Asynchronously', value: c.handled_async, color: '#1f6f5c' },
      { label: 'In one sitting', value: inOneGo, color: '#9ccfc0' },
    ], { summary: `${c.handled_async} of ${c.conversations} conversations handled asynchronously` }));

    $('report-earnings').replaceChildren(...(r.earnings.length ? r.earnings.map((e) => h('tr', {}, [
      h('th', { scope: 'row', text: `${KIND_TEXT[e.kind] || e.kind} (${e.currency})` }),
      h('td', { text: String(e.count) }),
      h('td', { class: 'num', text: money(e.amount_minor, e.currency) }),
    ])) : [h('tr', {}, [h('td', { colspan: '3', class: 'muted', text: 'No earnings in this period.' })])]));
  }

  return { load };
}
