// Message text is data, never markup: an HTML/script payload shows as literal text in the
// widget and in the panel, and nothing in it runs.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, closeViaApi } = require('../helpers');

const PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b>';

test('an HTML and script payload is shown as text in both UIs', async ({ browser, request }) => {
  const v = await visitor(browser);
  await v.open();
  await v.send(PAYLOAD);
  const id = await v.conversationId();

  const e = await expert(browser);
  await e.open(id);
  const inPanel = e.timeline.locator('.msg.visitor .body').first();
  await expect(inPanel).toHaveText(PAYLOAD);
  expect(await inPanel.locator('img, script, b').count()).toBe(0);
  await e.send(`Echo: ${PAYLOAD}`);
  await shot(e.page, 'panel-payload-as-text');

  const echoed = v.messages.filter({ hasText: 'Echo:' }).locator('.body');
  await expect(echoed).toHaveText(`Echo: ${PAYLOAD}`);
  const mine = v.messages.filter({ hasText: 'onerror' }).first().locator('.body');
  await expect(mine).toHaveText(PAYLOAD);
  expect(await v.log.locator('img, script, b').count()).toBe(0);
  await shot(v.page, 'widget-payload-as-text');

  expect(await v.page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(await e.page.evaluate(() => window.__pwned)).toBeUndefined();
  v.console.check();
  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await v.context.close();
  await e.context.close();
});
