// The expert sees whether the visitor is on the site: a green dot while the widget's page
// is open, a red one shortly after the visitor closes the tab.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, closeViaApi } = require('../helpers');

test('a new assignment badges the title; the presence dot turns red when the visitor leaves', async ({ browser, request }) => {
  const e = await expert(browser);
  await expect(e.page).toHaveTitle('Ebb · Expert panel');

  const v = await visitor(browser);
  await v.open();
  await v.send('Is the Ember stove allowed on flights?');
  const id = await v.conversationId();

  await expect(e.page).toHaveTitle(/^\(1\) Ebb/);
  await e.open(id);
  const dot = e.item(id).locator('.dot');
  await expect(dot).toHaveAttribute('aria-label', 'visitor online');
  await expect(dot).toHaveClass(/online/);
  await expect(e.page.locator('#conv-meta')).toContainText('On the site now');

  // Typing shows on the other side.
  await v.input.pressSequentially('Also, what about', { delay: 20 });
  await expect(e.page.locator('#typing')).toHaveText(/typing/);

  await v.page.close();
  await expect(dot).toHaveAttribute('aria-label', 'visitor away', { timeout: 20_000 });
  await expect(dot).toHaveClass(/offline/);
  await expect(e.page.locator('#conv-meta')).toContainText('Has left the site');
  await shot(e.page, 'panel-presence-red');

  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});
