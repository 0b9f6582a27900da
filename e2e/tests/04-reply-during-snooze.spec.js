// The expert snoozes (here with the custom date picker); the visitor answers during the
// snooze, and the conversation comes straight back to the same expert.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, closeViaApi } = require('../helpers');

test('a visitor reply during a snooze brings the conversation back to its expert', async ({ browser, request }) => {
  const v = await visitor(browser);
  await v.open();
  await v.send('Can I return the shell if it does not fit?');
  const id = await v.conversationId();

  const e = await expert(browser);
  await e.open(id);
  await e.send('Of course, within 60 days. Which size did you order?');
  await expect(e.page.locator('#slots')).toHaveText('1 / 3');

  // Snooze until a chosen date, with the keyboard only.
  await e.page.locator('#snooze-btn').focus();
  await e.page.keyboard.press('Enter');
  const menu = e.page.getByRole('menu', { name: 'Snooze for' });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: '3 hours' })).toBeFocused();
  await e.page.keyboard.press('ArrowDown');
  await e.page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: /date and time/ })).toBeFocused();
  await e.page.keyboard.press('Enter');
  const dialog = e.page.getByRole('dialog', { name: 'Snooze until…' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel(/Date and time/)).toBeFocused();
  await shot(e.page, 'panel-snooze-custom-date');
  await dialog.getByRole('button', { name: 'Snooze' }).click();
  await expect(dialog).toBeHidden();

  const item = e.item(id);
  await expect(e.page.locator('#list-snoozed')).toContainText('wakes');
  await expect(e.page.locator('#list-snoozed .conv-item')).toHaveAttribute('data-id', id);
  await expect(e.page.locator('#slots')).toHaveText('0 / 3');
  await expect(e.timeline).toContainText('Snoozed until');
  await shot(e.page, 'panel-snoozed-list');

  // The visitor answers: it comes back to the same expert, marked as such.
  await expect(v.messages.filter({ hasText: 'Which size' })).toBeVisible();
  await v.send('Size M, it is a bit tight.');
  await expect(e.page.locator('#list-active')).toContainText('Visitor replied');
  await expect(item).toBeVisible();
  await expect(e.page.locator('#slots')).toHaveText('1 / 3');
  await expect(e.timeline).toContainText('Size M, it is a bit tight.');
  await expect(e.timeline).toContainText('the visitor replied');
  await shot(e.page, 'panel-reattributed');

  v.console.check();
  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});
