// Accessibility: axe-core finds no serious or critical violation on the demo shop with the
// widget (closed, open with a conversation, the unread badge, the survey and its thanks), the
// expert panel (login, set password, an open conversation, the snooze menu and every dialog,
// the snoozed list, a conversation back from its snooze, a closed one, the earnings view),
// the admin console (login and every section), the home page and the widget on a phone.
const { test, expect } = require('@playwright/test');
const { visitor, expert, admin, checkA11y, closeViaApi, advanceClock, A11Y_CONTEXT } = require('../helpers');

const DAY = 24 * 3600;

/** Waits until the page has no request in flight (the WebSocket does not count). */
const settled = (page) => page.waitForLoadState('networkidle');

test('widget and expert panel: no serious or critical axe violation', async ({ browser, request }) => {
  const v = await visitor(browser, A11Y_CONTEXT);
  await expect(v.launcher).toBeVisible();
  await checkA11y(v.page, 'demo shop, widget closed');
  await v.open();
  await checkA11y(v.page, 'widget open, no conversation yet');
  await v.send('Is the Ember stove fine above 2000 m?');
  await expect(v.messages.locator('.who', { hasText: 'automatic' })).toBeVisible();
  const id = await v.conversationId();

  const login = await browser.newPage(A11Y_CONTEXT);
  await login.goto('/panel/?brand=demo');
  await expect(login.getByLabel('E-mail')).toBeVisible();
  await checkA11y(login, 'panel login');
  await login.goto('about:blank');
  await login.goto('/panel/?brand=demo#set-password=not-a-real-link');
  await expect(login.getByLabel('New password')).toBeVisible();
  await checkA11y(login, 'panel set password');
  await login.close();

  const e = await expert(browser, undefined, { contextOptions: A11Y_CONTEXT });
  await checkA11y(e.page, 'panel, no conversation open');
  await e.open(id);
  await e.send('Yes, it works well up to 3000 m; it just boils a bit slower.');
  await expect(v.messages.filter({ hasText: 'boils a bit slower' })).toBeVisible();
  await checkA11y(v.page, 'widget with the automatic message and an answer');
  await settled(e.page);
  await checkA11y(e.page, 'panel, open conversation');

  // The visitor leaves and comes back to an unread answer.
  await v.page.goto('about:blank');
  await e.send('PS: use the wind shield up there.');
  await v.page.goto('/demo/');
  await expect(v.badge).toHaveText('1');
  await checkA11y(v.page, 'widget closed, unread badge');
  await v.open();

  await e.page.locator('#snooze-btn').click();
  await expect(e.page.getByRole('menu', { name: 'Snooze for' })).toBeVisible();
  await checkA11y(e.page, 'panel, snooze menu open');
  await e.page.getByRole('menuitem', { name: /date and time/ }).click();
  const custom = e.page.getByRole('dialog', { name: 'Snooze until…' });
  await expect(custom).toBeVisible();
  await checkA11y(e.page, 'panel, snooze date dialog');
  await custom.getByRole('button', { name: 'Cancel' }).click();
  await expect(custom).toBeHidden();

  await e.page.getByRole('button', { name: 'Learn more' }).click();
  const learn = e.page.getByRole('dialog', { name: /asynchronous conversations/ });
  await expect(learn).toBeVisible();
  await checkA11y(e.page, 'panel, "Learn more" dialog');
  await learn.getByRole('button', { name: 'Got it' }).click();
  await expect(learn).toBeHidden();

  // Snoozed, then back when the snooze ends (the list item stands out, a next step is suggested).
  await e.page.locator('#snooze-btn').click();
  await e.page.getByRole('menuitem', { name: '1 day' }).click();
  await expect(e.page.locator('#list-snoozed .conv-item')).toHaveAttribute('data-id', id);
  await checkA11y(e.page, 'panel, snoozed list');
  await advanceClock(request, DAY + 60);
  await expect(e.page.locator('#list-active li.expired')).toContainText('snoozed 1×', { timeout: 20_000 });
  await e.item(id).click();
  await expect(e.page.locator('#suggest')).toContainText('snooze once more');
  await checkA11y(e.page, 'panel, conversation back after its snooze');

  await e.page.locator('#close-btn').click();
  const close = e.page.getByRole('dialog', { name: 'Close this conversation?' });
  await expect(close).toBeVisible();
  await checkA11y(e.page, 'panel, close dialog');
  await close.getByRole('button', { name: 'Close conversation' }).click();
  await expect(close).toBeHidden();
  await expect(e.timeline).toContainText('Conversation closed');
  await checkA11y(e.page, 'panel, closed conversation');

  await expect(v.survey).toBeVisible();
  await checkA11y(v.page, 'widget, survey after closing');
  await v.survey.getByText('5', { exact: true }).click();
  await v.survey.getByRole('button', { name: 'Send feedback' }).click();
  await expect(v.page.locator('#ebb-widget .thanks')).toBeVisible();
  await checkA11y(v.page, 'widget, thanks after the survey');

  await e.page.getByRole('button', { name: 'Earnings' }).click();
  await expect(e.page.locator('#earnings')).toBeVisible();
  await settled(e.page);
  await checkA11y(e.page, 'panel, earnings view');

  v.console.check();
  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});

test('admin console: no serious or critical axe violation on login and every section', async ({ browser, request }) => {
  const login = await browser.newPage(A11Y_CONTEXT);
  await login.goto('/admin/?brand=demo');
  await expect(login.locator('#login').getByLabel('E-mail')).toBeVisible();
  await checkA11y(login, 'admin login');
  await login.close();

  // A waiting visitor fills the live queue of the overview.
  const v = await visitor(browser);
  await v.open();
  await v.send('A question for the console check.');
  const a = await admin(browser, A11Y_CONTEXT);
  await expect(a.page.locator('#holdings')).toContainText('Visitor', { timeout: 15_000 });
  const tabs = a.page.getByRole('navigation', { name: 'Sections' }).getByRole('button');
  const names = await tabs.allInnerTexts();
  expect(names.length).toBeGreaterThan(1);
  for (const name of names) {
    await a.tab(name);
    await expect(tabs.filter({ hasText: name })).toHaveAttribute('aria-current', 'page');
    await settled(a.page);
    await checkA11y(a.page, `admin console, ${name}`);
  }
  a.console.check();
  v.console.check();
  const e = await expert(browser);
  await closeViaApi(request, await e.token(), await v.conversationId());
  await v.context.close();
  await e.context.close();
  await a.context.close();
});

test('home page and the widget on a phone: no serious or critical axe violation', async ({ browser }) => {
  const page = await browser.newPage(A11Y_CONTEXT);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Ebb' })).toBeVisible();
  await checkA11y(page, 'home page');
  await page.close();

  const v = await visitor(browser, { ...A11Y_CONTEXT, viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true });
  await v.open();
  await checkA11y(v.page, 'widget open on a phone-sized screen');
  v.console.check();
  await v.context.close();
});
