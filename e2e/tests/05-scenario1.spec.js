// Scenario 1 of the brief: the visitor is online but stops answering. The expert nudges,
// announces the snooze and snoozes 24 h; it comes back when the snooze ends, is snoozed
// once more, comes back again, and the expert says goodbye with the survey and closes.
// The visitor, back on the site later, sees the goodbye and answers the survey.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, advanceClock } = require('../helpers');

const DAY = 24 * 3600;

test('Scenario 1: nudge, snooze 24 h twice, then goodbye, close and survey', async ({ browser, request }) => {
  const v = await visitor(browser);
  await v.open();
  await v.send('Hi, which tent would you pick for a windy coast?');
  await expect(v.messages.filter({ hasText: 'typically replies' })).toBeVisible();
  const id = await v.conversationId();

  const e = await expert(browser);
  await e.open(id);
  await expect(e.item(id).locator('.dot')).toHaveClass(/online/);
  await expect(e.page.locator('#suggest')).toContainText('waiting for your answer');
  await e.send('The Ridge 2: low profile and strong poles. How many people?');
  await expect(v.messages.filter({ hasText: 'How many people?' })).toBeVisible();

  // The async header explains itself.
  await e.page.getByRole('button', { name: 'Learn more' }).click();
  const learn = e.page.getByRole('dialog', { name: /asynchronous/ });
  await expect(learn).toBeVisible();
  await shot(e.page, 'panel-learn-more');
  await e.page.keyboard.press('Escape');
  await expect(learn).toBeHidden();
  await expect(e.page.getByRole('button', { name: 'Learn more' })).toBeFocused();

  // No answer: nudge with the saved reply.
  await e.page.locator('#saved').getByRole('button', { name: 'Nudge' }).click();
  await expect(e.reply).not.toHaveValue('');
  await e.reply.press('Enter');
  await expect(e.timeline.locator('.msg.expert')).toHaveCount(2);

  // Still nothing: announce the snooze, then snooze one day.
  await e.page.locator('#saved').getByRole('button', { name: /Announce snooze/ }).click();
  await e.reply.press('Enter');
  await expect(e.timeline.locator('.msg.expert')).toHaveCount(3);
  await e.page.locator('#snooze-btn').click();
  await e.page.getByRole('menuitem', { name: '1 day' }).click();
  await expect(e.page.locator('#list-snoozed .conv-item')).toHaveAttribute('data-id', id);
  await expect(e.page.locator('#slots')).toHaveText('0 / 3');

  // The visitor leaves.
  await v.page.goto('about:blank');
  await expect(e.item(id).locator('.dot')).toHaveClass(/offline/, { timeout: 20_000 });

  // A day later the snooze ends: back in the panel, standing out, snoozed once.
  await advanceClock(request, DAY + 60);
  const active = e.page.locator('#list-active li.expired');
  await expect(active).toContainText('snoozed 1×', { timeout: 20_000 });
  await expect(e.page.locator('#slots')).toHaveText('1 / 3');
  await e.item(id).click();
  await expect(e.page.locator('#suggest')).toContainText('snooze once more');
  await shot(e.page, 'panel-snooze-expired');
  await e.page.locator('#suggest').getByRole('button', { name: 'Snooze 1 day' }).click();
  await expect(e.page.locator('#list-snoozed .conv-item')).toHaveAttribute('data-id', id);

  // Another day: back again after two snoozes; the suggestion is to say goodbye and close.
  await advanceClock(request, DAY + 60);
  await expect(active).toContainText('snoozed 2×', { timeout: 20_000 });
  await e.item(id).click();
  await expect(e.page.locator('#suggest')).toContainText('say goodbye');
  await e.page.locator('#suggest').getByRole('button', { name: 'Close…' }).click();
  const confirm = e.page.getByRole('dialog', { name: 'Close this conversation?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByLabel(/goodbye message/)).toBeChecked();
  await shot(e.page, 'panel-close-confirm');
  await confirm.getByRole('button', { name: 'Close conversation' }).click();
  await expect(confirm).toBeHidden();
  await expect(e.timeline).toContainText('Conversation closed');
  await expect(e.page.locator('#slots')).toHaveText('0 / 3');

  // The visitor comes back: unread goodbye, then the survey.
  await v.page.goto('/demo/');
  await expect(v.badge).toBeVisible();
  await v.open();
  await expect(v.messages.filter({ hasText: /rating/ }).first()).toBeVisible();
  await expect(v.survey).toBeVisible();
  await v.survey.getByText('4', { exact: true }).click();
  await v.survey.getByLabel(/Anything to add/).fill('Quick and friendly, thanks.');
  await shot(v.page, 'widget-survey');
  const [rated] = await Promise.all([
    v.page.waitForResponse((r) => r.url().endsWith(`/conversations/${id}/csat`)),
    v.survey.getByRole('button', { name: 'Send feedback' }).click(),
  ]);
  expect(rated.status()).toBe(201);
  await expect(v.page.locator('#ebb-widget .thanks')).toBeVisible();

  v.console.check();
  e.console.check();
  await v.context.close();
  await e.context.close();
});
