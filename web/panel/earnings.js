// The expert's "Earnings" view: a statement for a period (totals per currency, every
// ledger entry with its kind, mission and conversation), a CSV download and the expert's
// satisfaction average for the same period.

import { call, h, when } from '/lib/api.js';
import { money, rating, periodPicker, downloadCsv } from '/lib/report.js';

const API = '/api/v1/expert';
const $ = (id) => document.getElementById(id);

/** Words for ledger entry kinds. */
export const KIND_TEXT = {
  contact_fee: 'Contact fee',
  commission: 'Commission',
  commission_reversal: 'Commission reversed (refund)',
};

/** Wires the view; `token()` gives the current session token. Returns `{ load }`. */
export function earningsView(token) {
  const api = (path) => call('GET', API + path, { token: token() });
  const picker = periodPicker($('earn-period'), () => load());
  let missions = new Map();

  async function load() {
    $('earn-error').textContent = '';
    $('earn-status').textContent = 'Loading…';
    try {
      const q = picker.query();
      const [statement, csat, mine] = await Promise.all([api(`/earnings${q}`), api(`/csat${q}`), api('/missions')]);
      missions = new Map(mine.missions.map((m) => [m.id, m]));
      if (!picker.period) picker.show(statement);
      render(statement, csat, mine.missions);
      $('earn-status').textContent = `${statement.entries.length} entries from ${when(statement.from)} to ${when(statement.to)}.`;
    } catch (err) {
      $('earn-status').textContent = '';
      $('earn-error').textContent = `Could not load your earnings: ${err.message}`;
    }
  }

  function render(statement, csat, mine) {
    const totals = Object.entries(statement.totals);
    $('earn-totals').replaceChildren(...(totals.length
      ? totals.map(([currency, minor]) => h('li', { 'data-currency': currency, text: money(minor, currency) }))
      : [h('li', { class: 'muted', text: 'Nothing earned in this period.' })]));
    $('earn-csat').textContent = rating(csat.average);
    $('earn-csat-count').textContent = csat.count === 1 ? 'from 1 rating' : `from ${csat.count} ratings`;
    $('earn-missions').replaceChildren(...(mine.length ? mine.map(missionItem)
      : [h('li', { class: 'muted', text: 'You are not in a mission yet: ask your admin.' })]));
    $('earn-entries').replaceChildren(...(statement.entries.length ? statement.entries.map(entryRow)
      : [h('tr', {}, [h('td', { colspan: '5', class: 'muted', text: 'No entries in this period.' })])]));
  }

  function missionItem(m) {
    const terms = [];
    if (m.contact_fee) terms.push(`${money(m.contact_fee.minor, m.contact_fee.currency)} per closed conversation`);
    if (m.commission_bp !== null && m.commission_bp !== undefined) terms.push(`${m.commission_bp / 100} % commission on purchases`);
    return h('li', {}, [h('strong', { text: m.name }), document.createTextNode(`: ${terms.join(', ')}`)]);
  }

  function entryRow(e) {
    const mission = missions.get(e.mission);
    const conv = e.conversation ? `#${e.conversation.slice(-6).toUpperCase()}` : '—';
    return h('tr', { class: `kind-${e.kind}` }, [
      h('td', {}, [h('time', { datetime: e.at, text: when(e.at) })]),
      h('td', { text: KIND_TEXT[e.kind] || e.kind }),
      h('td', { text: mission ? mission.name : '—' }),
      h('td', { title: e.conversation || '', text: conv }),
      h('td', { class: 'num', text: money(e.amount.minor, e.amount.currency) }),
    ]);
  }

  $('earn-csv').addEventListener('click', async () => {
    $('earn-error').textContent = '';
    try { await downloadCsv(`${API}/earnings.csv${picker.query()}`, token(), 'ebb-statement.csv'); } catch (err) {
      $('earn-error').textContent = `The CSV could not be downloaded: ${err.message}`;
    }
  });

  return { load };
}
