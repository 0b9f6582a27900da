// The admin adds a webhook endpoint for two events, sees its signing secret once, and
// removes it again; an address inside the network is refused with a clear message.
const { test, expect } = require('@playwright/test');
const { admin, shot } = require('../helpers');

test('admin adds and removes a webhook endpoint', async ({ browser }) => {
  const { context, page, console, tab } = await admin(browser);
  await tab('Webhooks');
  await expect(page.locator('#hooks')).toContainText('No endpoint yet.');

  const form = page.locator('#new-hook');
  await form.getByLabel('URL').fill('http://169.254.169.254/latest/meta-data/');
  const events = form.getByRole('group', { name: 'Events' }).getByRole('checkbox');
  await expect(events).toHaveCount(8);
  for (const box of await events.all()) await box.uncheck();
  await form.getByLabel('csat.submitted').check();
  await form.getByLabel('earning.recorded').check();
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(page.locator('#new-hook-error')).toContainText('only go to public addresses');
  await expect(page.locator('#hooks')).toContainText('No endpoint yet.');

  const url = 'https://93.184.215.14/ebb-events';
  await form.getByLabel('URL').fill(url);
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(page.locator('#hook-secret')).toHaveText(/^whsec_/);
  const row = page.locator(`#hooks tr[data-url="${url}"]`);
  await expect(row).toContainText('csat.submitted, earning.recorded');
  await shot(page, 'admin-webhooks');

  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: `Remove ${url}` }).click();
  await expect(row).toHaveCount(0);

  console.check([/status of 422/]);
  await context.close();
});
