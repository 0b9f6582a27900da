// The expert snoozes a quiet conversation "until the visitor is back"; the visitor leaves
// the shop, comes back later, and the conversation reappears in the expert's panel at once.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, closeViaApi } = require('../helpers');

test('a snooze until the visitor is back wakes when the visitor returns to the site', async ({ browser, request }) => {
  const v = await visitor(browser);
  await v.open();
  await v.send('Do the Trail boots come in half sizes?');
  const id = await v.conversationId();

  const e = await expert(browser);
  await e.open(id);
  await e.send('They do, from 38 to 47. Which size do you usually wear?');
  await expect(v.messages.filter({ hasText: 'Which size' })).toBeVisible();

  // The visitor leaves without answering.
  await v.page.close();
  const dot = e.item(id).locator('.dot');
  await expect(dot).toHaveAttribute('aria-label', 'visitor away', { timeout: 20_000 });

  // Snooze until the visitor is back, at most three days (the picker's default).
  await e.page.locator('#snooze-btn').click();
  const menu = e.page.getByRole('menu', { name: 'Snooze for' });
  await menu.getByRole('menuitem', { name: /Until the visitor is back/ }).click();
  const dialog = e.page.getByRole('dialog', { name: 'Snooze until the visitor is back' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('At the latest (your local time)')).toBeFocused();
  await shot(e.page, 'panel-snooze-until-return');
  await dialog.getByRole('button', { name: 'Snooze' }).click();
  await expect(dialog).toBeHidden();
  await expect(e.page.locator('#list-snoozed')).toContainText('until the visitor is back');
  await expect(e.page.locator('#list-snoozed .conv-item')).toHaveAttribute('data-id', id);
  await expect(e.page.locator('#slots')).toHaveText('0 / 3');
  await expect(e.timeline).toContainText('Snoozed until the visitor is back');

  // The visitor comes back to the shop: the widget reconnects and the conversation wakes.
  const back = await v.context.newPage();
  await back.goto('/demo/');
  await expect(e.page.locator('#list-active')).toContainText('Visitor is back', { timeout: 15_000 });
  await expect(e.page.locator('#list-active .conv-item')).toHaveAttribute('data-id', id);
  await expect(e.page.locator('#slots')).toHaveText('1 / 3');
  await expect(dot).toHaveAttribute('aria-label', 'visitor online');
  await expect(e.timeline).toContainText('the visitor is back on the site');
  await shot(e.page, 'panel-visitor-is-back');

  v.console.check();
  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});
