// The panel follows the server: live WebSocket frames update its lists without fetching
// them again, and it shows only the saved replies and next step the server sends.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, closeViaApi } = require('../helpers');

const LIST = /\/api\/v1\/expert\/conversations(\?.*)?$/;

test('live frames update the panel without fetching the lists again', async ({ browser, request }) => {
  // The panel's socket is up once it has resumed (after its hello it reloads the lists,
  // then sends `resume`). The new conversation reaches the panel as a frame about a
  // conversation it does not know yet, so it fetches the list once (debounced while more
  // frames come): only after that does "no list fetch" mean anything.
  let resumed = false;
  const e = await expert(browser, undefined, {
    setup: (page) => page.on('websocket', (ws) => ws.on('framesent', (f) => {
      if (String(f.payload).includes('"type":"resume"')) resumed = true;
    })),
  });
  await expect.poll(() => resumed, { message: 'the panel resumed over its socket' }).toBe(true);
  const listed = e.page.waitForResponse((r) => LIST.test(new URL(r.url()).pathname + new URL(r.url()).search));
  const v = await visitor(browser);
  await v.open();
  await v.send('Do you ship to Norway?');
  const id = await v.conversationId();
  await listed;
  await e.open(id);
  await expect(e.timeline).toContainText('ship to Norway');

  // From here on, every change arrives as a frame.
  const listFetches = [];
  e.page.on('request', (r) => { if (LIST.test(new URL(r.url()).pathname + new URL(r.url()).search)) listFetches.push(r.url()); });
  await v.send('And to Iceland?');
  await expect(e.timeline).toContainText('And to Iceland?');
  await expect(e.item(id)).toContainText('awaits you');
  await e.send('Both, in 3 to 5 days.');
  await expect(e.item(id)).not.toContainText('awaits you');
  await e.page.locator('#snooze-btn').click();
  await e.page.getByRole('menuitem', { name: '3 hours' }).click();
  await expect(e.page.locator('#list-snoozed .conv-item')).toHaveAttribute('data-id', id);
  // Frames are followed (debounced) by a re-read of the suggestions: once that answered,
  // whatever the frames made the panel fetch has been asked for.
  const settled = e.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/expert/suggestions');
  await v.send('Great, thanks!');
  await expect(e.item(id)).toContainText('Visitor replied');
  await expect(e.timeline).toContainText('Great, thanks!');
  await settled;
  expect(listFetches, 'list fetches while the socket is up').toEqual([]);

  v.console.check();
  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});

test('the panel shows the saved replies and the suggestion the server sends, and nothing of its own', async ({ browser, request }) => {
  let suggestions = {};
  const e = await expert(browser, 'ada@demo.ebb', {
    async setup(page) {
      await page.route('**/api/v1/expert/saved-replies', (r) => r.fulfill({ json: { saved_replies: [] } }));
      await page.route('**/api/v1/expert/suggestions', (r) => r.fulfill({ json: { suggestions } }));
    },
  });
  const v = await visitor(browser);
  await v.open();
  await v.send('Is the Ember stove still in stock?');
  const id = await v.conversationId();
  await e.open(id);

  // No saved replies and no suggestion from the server: the panel shows none.
  await expect(e.page.locator('#saved .chip')).toHaveCount(0);
  await expect(e.page.locator('#suggest')).toBeHidden();

  // The server suggests closing with a goodbye it sends the text of.
  suggestions = {
    [id]: {
      step: 'close_with_goodbye', saved_reply: 'goodbye_survey', snooze: null,
      reply: { key: 'goodbye_survey', title: 'Farewell', body: 'Goodbye from the server, please rate us.' },
      budget: { used: 3, budget: 3, enforced: true, snooze_allowed: false },
    },
  };
  await v.send('Hello?');
  const box = e.page.locator('#suggest');
  await expect(box).toContainText('say goodbye');
  await expect(box).toContainText('3 of 3 times in a row');
  await expect(e.page.locator('#snooze-btn')).toBeDisabled();
  await shot(e.page, 'panel-server-suggestion');
  await box.getByRole('button', { name: 'Use “Farewell”' }).click();
  await expect(e.reply).toHaveValue('Goodbye from the server, please rate us.');
  await e.reply.fill('');
  await box.getByRole('button', { name: 'Close…' }).click();
  const confirm = e.page.getByRole('dialog', { name: 'Close this conversation?' });
  await expect(confirm.getByLabel(/goodbye message/)).toBeChecked();
  await confirm.getByRole('button', { name: 'Keep it open' }).click();

  // The server changes its mind: a snooze step, with the snooze it chose.
  suggestions = { [id]: { step: 'snooze_again', saved_reply: null, snooze: { kind: 'three_hours' } } };
  await v.send('Still there?');
  await expect(box).toContainText('snooze once more');
  await expect(box.getByRole('button', { name: 'Snooze 3 hours' })).toBeVisible();
  await expect(box.getByRole('button', { name: 'Close…' })).toHaveCount(0);
  await expect(e.page.locator('#snooze-btn')).toBeEnabled();

  v.console.check();
  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});
