// The console's "Widget" section: the widget's language, the greeting and the automatic
// message per language (blank: the brand default), and each expert's public profile
// (display name and https avatar) that visitors see.

import { filling } from '/lib/api.js';

const $ = (id) => document.getElementById(id);
const LANGS = ['en', 'fr'];

/** `api(method, path, body)` calls the admin API; `experts()` the loaded team. */
export function widgetSection({ api, experts, announce }) {
  async function load() {
    $('wt-error').textContent = '';
    try {
      await filling($('wt-form'), async () => {
        const t = await api('GET', '/widget-texts');
        $('wt-locale').value = t.locale;
        $('wt-greeting').value = t.greeting;
        for (const l of LANGS) {
          $(`wt-${l}-greeting`).value = t.languages[l]?.greeting || '';
          $(`wt-${l}-auto`).value = t.languages[l]?.auto_message || '';
        }
      });
    } catch (err) { $('wt-error').textContent = `Could not load the widget texts: ${err.message}`; }
    $('pf-expert').replaceChildren(...experts().map((x) => new Option(x.name, x.id)));
  }

  async function save(e) {
    e.preventDefault();
    $('wt-error').textContent = '';
    $('wt-ok').textContent = '';
    const languages = {};
    for (const l of LANGS) languages[l] = { greeting: $(`wt-${l}-greeting`).value, auto_message: $(`wt-${l}-auto`).value };
    try {
      await api('PUT', '/widget-texts', { locale: $('wt-locale').value, greeting: $('wt-greeting').value, languages });
      $('wt-ok').textContent = 'Widget texts saved.';
      announce('Widget texts saved.');
    } catch (err) { $('wt-error').textContent = `Not saved: ${err.message}`; }
  }

  async function saveProfile(e) {
    e.preventDefault();
    $('pf-error').textContent = '';
    $('pf-ok').textContent = '';
    const id = $('pf-expert').value;
    try {
      const p = await api('PUT', `/experts/${id}/profile`, { display_name: $('pf-name').value, avatar_url: $('pf-avatar').value });
      $('pf-ok').textContent = `Visitors now see ${p.name}.`;
    } catch (err) { $('pf-error').textContent = `Not saved: ${err.message}`; }
  }

  $('wt-form').addEventListener('submit', save);
  $('pf-form').addEventListener('submit', saveProfile);
  return { load };
}
