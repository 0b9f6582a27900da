// The console's email follow-up settings (in the "Widget" section): when the widget asks
// for an address, the consent text per language, the delay before an unseen reply is
// emailed, and the page of the brand's site that the email's link opens.

import { filling } from '/lib/api.js';

const $ = (id) => document.getElementById(id);

/** `api(method, path, body)` calls the admin API. */
export function emailSection({ api, announce }) {
  async function load() {
    $('em-error').textContent = '';
    try {
      await filling($('em-form'), async () => {
        const s = await api('GET', '/email-settings');
        $('em-ask').value = s.ask;
        $('em-delay').value = s.delay_minutes;
        $('em-consent-en').value = s.consent_en;
        $('em-consent-fr').value = s.consent_fr;
        $('em-site').value = s.site_url;
      });
    } catch (err) { $('em-error').textContent = `Could not load the email settings: ${err.message}`; }
  }

  async function save(e) {
    e.preventDefault();
    $('em-error').textContent = '';
    $('em-ok').textContent = '';
    const body = {
      ask: $('em-ask').value, delay_minutes: Number($('em-delay').value),
      consent_en: $('em-consent-en').value, consent_fr: $('em-consent-fr').value, site_url: $('em-site').value,
    };
    try {
      await api('PUT', '/email-settings', body);
      $('em-ok').textContent = 'Email settings saved.';
      announce('Email settings saved.');
    } catch (err) { $('em-error').textContent = `Not saved: ${err.message}`; }
  }

  $('em-form').addEventListener('submit', save);
  return { load };
}
