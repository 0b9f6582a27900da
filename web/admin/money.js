// The console's money sections: missions (create, add experts), payouts for a period
// (table and CSV) and satisfaction results for the brand and per expert.

import { h } from '/lib/api.js';
import { money, toMinor, rating, downloadCsv } from '/lib/report.js';

const $ = (id) => document.getElementById(id);

/**
 * `api(method, path, body)` calls the admin API, `token()` gives the session token,
 * `experts()` the brand's experts (for names and the member pickers).
 */
export function moneySections({ api, token, experts, announce }) {
  let missions = [];

  const expertName = (id) => experts().find((x) => x.id === id)?.name || `Expert ${String(id).slice(-4)}`;

  // ---- Missions ------------------------------------------------------------------------

  async function loadMissions() {
    try {
      missions = (await api('GET', '/missions')).missions;
      $('missions').replaceChildren(...(missions.length ? missions.map(missionRow)
        : [h('tr', {}, [h('td', { colspan: '5', class: 'muted', text: 'No mission yet: create the first one below.' })])]));
    } catch (err) { $('missions-error').textContent = `Could not load missions: ${err.message}`; }
  }

  function missionRow(m) {
    const outside = experts().filter((x) => !m.members.includes(x.id) && !x.disabled);
    const pick = h('select', { 'aria-label': `Expert to add to ${m.name}` },
      outside.map((x) => h('option', { value: x.id, text: x.name })));
    const add = h('button', { type: 'button', disabled: !outside.length, onclick: () => addMember(m, pick.value) });
    add.textContent = 'Add';
    const members = m.members.map(expertName);
    return h('tr', { 'data-mission': m.name }, [
      h('th', { scope: 'row', text: m.name }),
      h('td', { text: m.contact_fee ? money(m.contact_fee.minor, m.contact_fee.currency) : '—' }),
      h('td', { text: m.commission_bp === null || m.commission_bp === undefined ? '—' : `${m.commission_bp / 100} %` }),
      h('td', { class: 'members', text: members.join(', ') || 'nobody yet' }),
      h('td', {}, outside.length ? [pick, document.createTextNode(' '), add] : [h('span', { class: 'muted', text: 'everyone is in' })]),
    ]);
  }

  async function addMember(m, expertId) {
    $('missions-error').textContent = '';
    try {
      await api('POST', `/missions/${m.id}/members`, { expert_id: expertId });
      announce(`${expertName(expertId)} joined ${m.name}.`);
      await loadMissions();
    } catch (err) { $('missions-error').textContent = `${m.name}: ${err.message}`; }
  }

  async function createMission(e) {
    e.preventDefault();
    const f = e.target;
    $('new-mission-error').textContent = '';
    const currency = f.elements.currency.value.trim().toUpperCase();
    const body = { name: f.elements.name.value.trim() };
    if (f.elements.fee.value.trim()) {
      const minor = toMinor(f.elements.fee.value, currency);
      if (Number.isNaN(minor)) { $('new-mission-error').textContent = 'The contact fee must be an amount such as 2.50.'; return; }
      body.contact_fee = { minor, currency };
    }
    if (f.elements.commission.value !== '') body.commission_bp = Math.round(Number(f.elements.commission.value) * 100);
    if (!body.contact_fee && body.commission_bp === undefined) {
      $('new-mission-error').textContent = 'Give a contact fee, a commission, or both.';
      return;
    }
    try {
      await api('POST', '/missions', body);
      f.reset();
      announce(`Mission ${body.name} created.`);
      await loadMissions();
    } catch (err) { $('new-mission-error').textContent = `Not created: ${err.message}`; }
  }

  // ---- Payouts -------------------------------------------------------------------------

  /** Loads the payouts of `query` (`?from&to` or '' for the server's default); returns the period. */
  async function loadPayouts(query) {
    $('payouts-error').textContent = '';
    try {
      const res = await api('GET', `/payouts${query}`);
      $('payouts').replaceChildren(...(res.payouts.length ? res.payouts.map((p) => h('tr', { 'data-expert': p.expert_name }, [
        h('th', { scope: 'row', text: p.expert_name }),
        h('td', { text: p.currency }),
        h('td', { text: String(p.entries) }),
        h('td', { class: 'num', text: money(p.amount_minor, p.currency) }),
      ])) : [h('tr', {}, [h('td', { colspan: '4', class: 'muted', text: 'Nothing to pay out in this period.' })])]));
      return { from: res.from, to: res.to };
    } catch (err) {
      $('payouts-error').textContent = `Could not load payouts: ${err.message}`;
      return null;
    }
  }

  function csvDownload(query) {
    $('payouts-error').textContent = '';
    return downloadCsv(`/api/v1/admin/payouts.csv${query}`, token(), 'ebb-payouts.csv').catch((err) => {
      $('payouts-error').textContent = `The CSV could not be downloaded: ${err.message}`;
    });
  }

  // ---- Satisfaction --------------------------------------------------------------------

  async function loadCsat(query) {
    $('csat-error').textContent = '';
    try {
      const res = await api('GET', `/csat${query}`);
      $('csat-brand').textContent = rating(res.brand.average);
      $('csat-brand-count').textContent = `(${res.brand.count} ${res.brand.count === 1 ? 'rating' : 'ratings'})`;
      $('csat-experts').replaceChildren(...(res.experts.length ? res.experts.map((x) => h('tr', { 'data-expert': expertName(x.expert_id) }, [
        h('th', { scope: 'row', text: expertName(x.expert_id) }),
        h('td', { text: String(x.count) }),
        h('td', {}, [stars(x.average), h('span', { text: ` ${rating(x.average)}` })]),
      ])) : [h('tr', {}, [h('td', { colspan: '3', class: 'muted', text: 'No ratings in this period.' })])]));
    } catch (err) { $('csat-error').textContent = `Could not load ratings: ${err.message}`; }
  }

  /** A small meter showing an average out of 5. */
  function stars(average) {
    return h('meter', { min: '0', max: '5', low: '2.5', high: '3.9', optimum: '5', value: String(average ?? 0), 'aria-hidden': 'true' });
  }

  $('new-mission').addEventListener('submit', createMission);
  return { loadMissions, loadPayouts, loadCsat, csvDownload };
}
