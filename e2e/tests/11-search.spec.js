// An expert finds a conversation they closed in the History view by a word of it, reads it
// there, and the admin finds it from the console's Search section; a search without any
// letter or digit is refused with a plain message.
const { test, expect } = require('@playwright/test');
const { visitor, expert, admin, closeViaApi, shot } = require('../helpers');

test('expert and admin find a closed conversation by what was written', async ({ browser, request }) => {
  const order = `7${String(Date.now()).slice(-6)}`;
  const v = await visitor(browser);
  await v.open();
  await v.send(`The zip of my Ridge 2 tent tore (order ${order}).`);
  const id = await v.conversationId();

  const e = await expert(browser);
  await e.open(id);
  await e.send('Sorry about the zipper: a replacement is on its way.');
  await closeViaApi(request, await e.token(), id);

  await e.page.getByRole('button', { name: 'History', exact: true }).click();
  const row = e.page.locator(`#hist-list .hist-item[data-id="${id}"]`);
  await expect(row).toBeVisible();
  await expect(row.locator('.badge')).toHaveText('closed');

  const box = e.page.getByLabel('Search the conversations you handled');
  await box.fill(order);
  await box.press('Enter');
  await expect(e.page.locator('#hist-title')).toHaveText(`Results for “${order}”`);
  await expect(e.page.locator('#hist-list .hist-item')).toHaveCount(1);
  await expect(row.locator('mark')).toHaveText(order);

  await box.fill('"replacement is" zipp');
  await box.press('Enter');
  await expect(row.locator('mark').first()).toBeVisible();
  await shot(e.page, 'panel-history-search');
  await row.click();
  await expect(e.page.locator('#hist-timeline')).toContainText(`order ${order}`);
  await expect(e.page.locator('#hist-conv-title')).toContainText('closed');

  await box.fill('&|!()');
  await box.press('Enter');
  await expect(e.page.locator('#hist-error')).toHaveText('Type a word to search for (letters or digits).');

  const a = await admin(browser);
  await a.tab('Search');
  const q = a.page.getByLabel(/Words or a "phrase"/);
  await q.fill(`tent ${order}`);
  await q.press('Enter');
  const hit = a.page.locator('#asearch-results .result');
  await expect(hit).toHaveCount(1);
  await expect(hit).toContainText(id);
  await expect(hit.locator('mark')).toHaveText(['tent', order]);

  e.console.check([/400/]);
  a.console.check();
  v.console.check();
  await v.context.close();
  await e.context.close();
  await a.context.close();
});
