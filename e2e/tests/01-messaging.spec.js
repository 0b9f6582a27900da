// A visitor writes from the demo shop, gets the automatic message, the expert answers from
// the panel, and the visitor sees the answer live and, after leaving, on return.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, closeViaApi } = require('../helpers');

test('visitor and expert exchange messages, with the unread badge on return', async ({ browser, request }) => {
  const v = await visitor(browser);
  await shot(v.page, 'demo-shop');
  await v.open();
  await v.send('Hello! Does the Ridge 2 tent fit two adults with backpacks?');
  await expect(v.messages.filter({ hasText: 'typically replies' })).toBeVisible();
  await expect(v.messages.filter({ hasText: 'typically replies' }).locator('.who')).toContainText('automatic');
  await shot(v.page, 'widget-automatic-message');
  const id = await v.conversationId();
  expect(id).toBeTruthy();

  const e = await expert(browser);
  await e.open(id);
  await expect(e.timeline).toContainText('Does the Ridge 2 tent fit');
  await expect(e.page.locator('#slots')).toHaveText(/^\d+ \/ 3$/);
  await expect(e.page.locator('#async-note')).toContainText('snooze');
  await e.send('Yes: two adults fit, and each side has a porch for a backpack.');
  await shot(e.page, 'panel-conversation');

  // Live: the open widget shows the answer without a reload.
  await expect(v.messages.filter({ hasText: 'each side has a porch' })).toBeVisible();
  await shot(v.page, 'widget-reply');

  // The visitor minimises the widget and leaves; the expert writes again.
  await v.launcher.click();
  await expect(v.input).toBeHidden();
  await v.page.goto('about:blank');
  await e.send('PS: it packs down to 45 x 15 cm.');

  // Back on the site: the launcher shows one unread answer, and opening clears it.
  await v.page.goto('/demo/');
  await expect(v.badge).toHaveText('1');
  await expect(v.launcher).toHaveAttribute('aria-label', /1 unread/);
  await shot(v.page, 'widget-unread-badge');
  await v.open();
  await expect(v.messages.filter({ hasText: 'packs down to 45' })).toBeVisible();
  await expect(v.badge).toBeHidden();

  v.console.check();
  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});

test('the widget works on a phone-sized screen and with the keyboard', async ({ browser, request }) => {
  const v = await visitor(browser, { viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true });
  await v.page.keyboard.press('Tab'); // demo page links come first; the widget is reachable by Tab
  await v.launcher.focus();
  await v.page.keyboard.press('Enter');
  await expect(v.input).toBeFocused();
  const box = await v.page.locator('#ebb-widget').locator('.panel').boundingBox();
  expect(box.width).toBeGreaterThanOrEqual(370);
  await v.page.keyboard.type('Writing from my phone.');
  await v.page.keyboard.press('Enter');
  await expect(v.messages.filter({ hasText: 'typically replies' })).toBeVisible();
  await shot(v.page, 'widget-phone');
  await v.page.keyboard.press('Escape');
  await expect(v.input).toBeHidden();
  await expect(v.launcher).toBeFocused();
  v.console.check();
  const id = await v.conversationId();
  const e = await expert(browser);
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});
