// The console's office hours editor: the brand's time zone, one opening interval per
// weekday and closed dates; saved as a whole (PUT /hours). Several intervals a day,
// special hours on a date and experts' own hours are set through the API.

import { filling, h } from '/lib/api.js';

const $ = (id) => document.getElementById(id);
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const label = (d) => d[0].toUpperCase() + d.slice(1);

/** `api(method, path, body)` calls the admin API. Returns `{ load }`. */
export function hoursEditor({ api, announce }) {
  function dayRow(day, hours) {
    const open = hours.find((w) => w.day === day);
    const id = `hours-${day}`;
    return h('tr', { 'data-day': day }, [
      h('th', { scope: 'row' }, [h('label', { for: `${id}-open`, text: label(day) })]),
      h('td', {}, [h('input', { id: `${id}-open`, type: 'checkbox', name: 'open', checked: Boolean(open) })]),
      h('td', {}, [
        h('label', { for: `${id}-start`, class: 'sr', text: `${label(day)} opens at` }),
        h('input', { id: `${id}-start`, type: 'time', name: 'start', value: open ? open.start : '09:00' }),
      ]),
      h('td', {}, [
        h('label', { for: `${id}-end`, class: 'sr', text: `${label(day)} closes at` }),
        h('input', { id: `${id}-end`, type: 'text', name: 'end', inputmode: 'numeric', pattern: '[0-2][0-9]:[0-5][0-9]', value: open ? open.end : '17:00' }),
      ]),
    ]);
  }

  function show(hours) {
    const spec = hours || { zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', weekly: [], exceptions: [] };
    $('hours-zone').value = spec.zone;
    $('hours-days').replaceChildren(...DAYS.map((d) => dayRow(d, spec.weekly)));
    $('hours-closed').value = spec.exceptions.filter((e) => e.hours.length === 0).map((e) => e.date).join(', ');
    $('hours-state').textContent = hours ? 'Office hours are on.' : 'No office hours: the team counts as always open.';
  }

  async function load() {
    $('hours-error').textContent = '';
    try {
      await filling($('hours-form'), async () => show((await api('GET', '/hours')).hours));
    } catch (err) { $('hours-error').textContent = `Could not load office hours: ${err.message}`; }
  }

  async function put(hours, done) {
    $('hours-error').textContent = '';
    $('hours-ok').textContent = '';
    try {
      const res = await api('PUT', '/hours', { hours });
      show(res.hours);
      $('hours-ok').textContent = done;
      announce(done);
    } catch (err) { $('hours-error').textContent = err.message; }
  }

  function save(e) {
    e.preventDefault();
    const weekly = [...$('hours-days').children]
      .filter((tr) => tr.querySelector('[name=open]').checked)
      .map((tr) => ({
        day: tr.dataset.day,
        start: tr.querySelector('[name=start]').value,
        end: tr.querySelector('[name=end]').value.trim(),
      }));
    const exceptions = $('hours-closed').value.split(',').map((d) => d.trim()).filter(Boolean)
      .map((date) => ({ date, hours: [] }));
    return put({ zone: $('hours-zone').value.trim(), weekly, exceptions }, 'Office hours saved.');
  }

  $('hours-form').addEventListener('submit', save);
  $('hours-off').addEventListener('click', () => put(null, 'Office hours removed.'));
  return { load };
}
