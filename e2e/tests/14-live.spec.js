// Live and correct: the suggested next step changes with the presence dot, desktop
// notifications (permission granted in this browser) when a visitor writes where the
// expert is not looking, the tab title counting what awaits, and the keyboard shortcuts.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, closeViaApi } = require('../helpers');

const SUGGESTIONS = '**/api/v1/expert/suggestions';

/** Records every Notification the page creates and every permission request; the real
 * constructor still runs (a spy, not a stub). */
function spyOnNotifications() {
  const Real = window.Notification;
  window.notes = [];
  window.permissionAsks = 0;
  class Spy extends Real {
    constructor(title, options = {}) {
      super(title, options);
      window.notes.push({ title, body: options.body, tag: options.tag });
    }
    static requestPermission(...args) {
      window.permissionAsks += 1;
      return Real.requestPermission(...args);
    }
    static get permission() { return Real.permission; }
  }
  window.Notification = Spy;
}

/** Lets the page believe its tab is in the background (or back in front). */
function setHidden(page, hidden) {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

// Whatever a test left (also when it failed), Ada's slots are free for the next one.
test.afterEach(async ({ request }) => {
  const login = await request.post('/api/v1/auth/login', { data: { brand: 'demo', email: 'ada@demo.ebb', password: 'ebb-demo' } });
  const { token } = await login.json();
  const list = await (await request.get('/api/v1/expert/conversations', { headers: { authorization: `Bearer ${token}` } })).json();
  for (const c of list.conversations) await closeViaApi(request, token, c.id);
});

/** The conversation `id` as the expert API returns it. */
async function conversation(request, token, id) {
  const res = await request.get(`/api/v1/expert/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).conversation;
}

/** A visitor who wrote `text`: `{v, id}`. */
async function writer(browser, text) {
  const v = await visitor(browser);
  await v.open();
  await v.send(text);
  return { v, id: await v.conversationId() };
}

test('the suggested next step follows the presence dot at once', async ({ browser, request }) => {
  const e = await expert(browser);
  const { v, id } = await writer(browser, 'Does the Ridge tent fit two people?');
  await e.open(id);
  await e.send('Yes, two people and their bags. Anything else?');
  const suggestion = e.page.locator('#suggest-text');
  await expect(suggestion).toContainText('give them a moment');

  // Answers to re-reads of the suggestions are slow from here on (a busy server, a
  // throttled background tab): only what comes with the presence frame can be in time.
  await e.page.route(SUGGESTIONS, async (route) => {
    const answer = await route.fetch();
    await new Promise((r) => { setTimeout(r, 4000); });
    await route.fulfill({ response: answer }).catch(() => {});
  });
  // A re-read asked while the visitor is still here answers after they left.
  const late = e.page.waitForResponse((r) => r.url().endsWith('/api/v1/expert/suggestions'));
  await e.send('Take your time.');
  const dot = e.item(id).locator('.dot');
  await v.page.close();
  await expect(dot).toHaveClass(/offline/, { timeout: 10_000 });
  await expect(suggestion).toContainText('gone quiet', { timeout: 2000 });
  await expect(e.page.locator('#suggest-actions')).toContainText('Announce snooze');
  await late;
  // The late answer does not bring back what the frame superseded.
  await e.page.evaluate(() => new Promise((r) => { setTimeout(r, 300); }));
  await expect(suggestion).toContainText('gone quiet');
  await shot(e.page, 'panel-suggestion-follows-presence');

  const back = await v.context.newPage();
  await back.goto('/demo/');
  await expect(dot).toHaveClass(/online/, { timeout: 10_000 });
  await expect(suggestion).toContainText('give them a moment', { timeout: 2000 });

  e.console.check();
  await v.context.close();
  await e.context.close();
});

test('desktop notifications and the tab title tell what awaits while the expert looks elsewhere', async ({ browser, request }) => {
  const e = await expert(browser, 'ada@demo.ebb', {
    async setup(page) {
      await page.context().grantPermissions(['notifications']);
      await page.addInitScript(spyOnNotifications);
    },
  });
  const notes = () => e.page.evaluate(() => window.notes);

  // The permission flow: the expert turns desktop notifications on from the Alerts dialog.
  await e.page.getByRole('button', { name: 'Alerts' }).click();
  const dialog = e.page.getByRole('dialog', { name: 'Alerts' });
  await dialog.getByLabel('Show desktop notifications').check();
  await expect(dialog.getByRole('status')).toHaveText('Notifications are on.');
  expect(await e.page.evaluate(() => window.permissionAsks)).toBe(1);
  await dialog.getByLabel('Play a short sound').uncheck();
  await shot(e.page, 'panel-alerts-dialog');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await e.page.reload();
  await expect(e.page.locator('#app')).toBeVisible();
  await e.page.getByRole('button', { name: 'Alerts' }).click();
  await expect(dialog.getByLabel('Show desktop notifications')).toBeChecked();
  await expect(dialog.getByLabel('Play a short sound')).not.toBeChecked();
  await dialog.getByRole('button', { name: 'Done' }).click();

  // Two visitors write: both conversations are new to the expert and await a reply.
  const a = await writer(browser, 'Where is my order?');
  await expect.poll(notes).toEqual([expect.objectContaining({ title: expect.stringMatching(/^New conversation: Visitor/), tag: `ebb-${a.id}` })]);
  const b = await writer(browser, 'Can I change the colour of my jacket?');
  await expect(e.page).toHaveTitle(/^\(2\) Ebb/);
  await e.open(a.id);
  await e.send('It left our warehouse this morning.');
  await expect(e.page).toHaveTitle(/^\(1\) Ebb/);

  // The visitor of the conversation not open writes: a notification.
  const before = (await notes()).length;
  await b.v.send('The green one, please.');
  await expect.poll(async () => (await notes()).slice(before)).toEqual([
    { title: expect.stringMatching(/^Visitor \w+ replied$/), body: 'The green one, please.', tag: `ebb-${b.id}` },
  ]);

  // The open conversation's visitor writes while the tab is in the background: one too;
  // in front, none.
  await a.v.send('Great, thanks.');
  await expect(e.timeline).toContainText('Great, thanks.');
  expect((await notes()).length).toBe(before + 1);
  await expect(e.page).toHaveTitle(/^\(2\) Ebb/);
  await setHidden(e.page, true);
  await a.v.send('One more thing: is the box recyclable?');
  await expect.poll(async () => (await notes()).map((n) => n.body)).toContain('One more thing: is the box recyclable?');
  await setHidden(e.page, false);

  e.console.check();
  for (const c of [a, b]) await c.v.context.close();
  await e.context.close();
});

test('keyboard shortcuts reply, snooze, close, move between conversations and list themselves', async ({ browser, request }) => {
  const e = await expert(browser);
  const keys = e.page.keyboard;
  const token = await e.token();
  const a = await writer(browser, 'Do you sell gas canisters?');
  const b = await writer(browser, 'Is there a warranty on the stove?');
  await e.open(a.id);
  const current = () => e.page.locator('.conv-item[aria-current="true"]').getAttribute('data-id');

  // Typing in the reply box is only typing.
  await expect(e.reply).toBeFocused();
  await keys.type('jks?');
  await expect(e.reply).toHaveValue('jks?');
  await expect(e.page.locator('#snooze-menu')).toBeHidden();
  expect(await current()).toBe(a.id);
  await e.reply.fill('');

  // Away from fields: ? lists the shortcuts in a dialog, Escape closes it.
  await e.page.locator('#conv-title').click();
  await keys.press('?');
  const help = e.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Snooze for 3 hours');
  await shot(e.page, 'panel-shortcuts-help');
  await keys.press('Escape');
  await expect(help).toBeHidden();

  // j and k move to the next and previous conversation; r goes to the reply box.
  await e.page.locator('#conv-title').click();
  await keys.press('j');
  await expect.poll(current).toBe(b.id);
  await e.page.locator('#conv-title').click();
  await keys.press('k');
  await expect.poll(current).toBe(a.id);
  await e.page.locator('#conv-title').click();
  await keys.press('r');
  await expect(e.reply).toBeFocused();
  await expect(e.reply).toHaveValue('');

  // s then 3 snoozes for 3 hours, as the server records it.
  await e.page.locator('#conv-title').click();
  await keys.press('s');
  await expect(e.page.getByRole('menu', { name: 'Snooze for' })).toBeVisible();
  await keys.press('3');
  await expect(e.page.locator('#list-snoozed .conv-item')).toHaveAttribute('data-id', a.id);
  const clock = await (await request.get('/api/v1/test/clock')).json();
  const snoozed = await conversation(request, token, a.id);
  expect(snoozed.state.status).toBe('snoozed');
  const hours = (Date.parse(snoozed.state.until) - Date.parse(clock.now)) / 3600000;
  expect(hours).toBeGreaterThan(2.9);
  expect(hours).toBeLessThanOrEqual(3);

  // On b: s then c opens the date picker, s then d snoozes a day; e and c ask before closing.
  await e.open(b.id);
  await e.page.locator('#conv-title').click();
  await keys.press('s');
  await keys.press('c');
  await expect(e.page.getByRole('dialog', { name: 'Snooze until…' })).toBeVisible();
  await keys.press('Escape');
  await e.page.locator('#conv-title').click();
  await keys.press('s');
  await keys.press('d');
  await expect.poll(async () => {
    const c = await conversation(request, token, b.id);
    return c.state.status === 'snoozed' && (Date.parse(c.state.until) - Date.parse(clock.now)) / 3600000;
  }).toBeGreaterThan(23.9);
  await e.page.locator('#conv-title').click();
  await keys.press('e');
  const close = e.page.getByRole('dialog', { name: 'Close this conversation?' });
  await expect(close).toBeVisible();
  await close.getByRole('button', { name: 'Keep it open' }).click();
  expect((await conversation(request, token, b.id)).state.status).toBe('snoozed');
  await e.page.locator('#conv-title').click();
  await keys.press('c');
  await expect(close).toBeVisible();
  await close.getByRole('button', { name: 'Close conversation' }).click();
  await expect(close).toBeHidden();
  const visitorToken = await b.v.page.evaluate(() => localStorage.getItem('ebb:demo:token'));
  const seen = await request.get(`/api/v1/widget/demo/conversations/${b.id}`, { headers: { authorization: `Bearer ${visitorToken}` } });
  expect((await seen.json()).conversation.state.status).toBe('closed');

  e.console.check();
  for (const c of [a, b]) await c.v.context.close();
  await e.context.close();
});
