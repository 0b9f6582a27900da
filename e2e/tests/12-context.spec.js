// Context at a glance, at 1280x800: the list shows each conversation's last message and
// who wrote it, how long the visitor waits and its tags; the header shows where the visitor
// is (page, referrer, language, local time) and their earlier conversations, which open
// read-only; presence reads as a shape and a word; the timeline keeps half the window.
const { test, expect } = require('@playwright/test');
const { visitor, expert, shot, closeViaApi } = require('../helpers');

test('list previews, visitor context, presence by shape and earlier conversations', async ({ browser, request }) => {
  const v = await visitor(browser, { locale: 'de-CH', timezoneId: 'Asia/Tokyo' });
  await v.open();
  await v.send('Do the Ridge 2 poles fit the older tent?');
  const first = await v.conversationId();
  const e = await expert(browser);
  await e.open(first);
  await e.send('They do, since 2021. Anything else?');
  await closeViaApi(request, await e.token(), first);

  // The visitor moves to another page of the shop (a single-page navigation) and writes
  // again: a follow-up conversation with the same visitor.
  await v.page.evaluate(() => { history.pushState({}, '', '/demo/?page=tents'); document.title = 'Tents · Demo Outdoor Co.'; });
  await v.send('One more: is there a footprint for it?');
  const second = await v.conversationId();
  expect(second).not.toBe(first);

  // The list row: the last message and its writer, the wait, presence as shape and word.
  const row = e.item(second);
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row.locator('.preview')).toHaveText('Visitor: One more: is there a footprint for it?');
  await expect(row.locator('.tag.waiting')).toContainText('awaits you');
  await expect(row.locator('.dot')).toHaveAttribute('aria-label', 'visitor online');
  await expect(row.locator('.presence-text')).toHaveText('On site');
  const shape = await row.locator('.dot').evaluate((d) => getComputedStyle(d).backgroundColor);
  expect(shape, 'on site is a filled disc').not.toBe('rgba(0, 0, 0, 0)');

  // The header: where the visitor is now.
  await e.open(second);
  const ctx = e.page.locator('#conv-context');
  await expect(ctx).toContainText('Current page');
  await expect(ctx.getByRole('link', { name: 'Tents · Demo Outdoor Co.' })).toHaveAttribute('href', /\/demo\/\?page=tents$/);
  await expect(ctx).toContainText('de-CH');
  await expect(ctx.locator('.local-time')).toContainText('(Asia/Tokyo)');
  // The visitor's local time, as the expert's browser writes a time (either side of a minute).
  const tokyo = () => e.page.evaluate(() => new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' }));
  const before = await tokyo();
  const shown = await ctx.locator('.local-time').textContent();
  expect([`${before} (Asia/Tokyo)`, `${await tokyo()} (Asia/Tokyo)`]).toContain(shown);
  await expect(ctx).toContainText('Customer id');

  // At 1280x800 the timeline keeps at least half the window, its first and last item in view.
  const box = await e.timeline.boundingBox();
  expect(box.height, 'timeline height').toBeGreaterThanOrEqual(400);
  const items = e.timeline.locator(':scope > li');
  for (const item of [items.first(), items.last()]) {
    const b = await item.boundingBox();
    expect(b.y, 'item top in view').toBeGreaterThanOrEqual(box.y - 1);
    expect(b.y + b.height, 'item bottom in view').toBeLessThanOrEqual(box.y + box.height + 1);
  }
  const reply = await e.page.locator('#reply').boundingBox();
  expect(reply.y + reply.height, 'the composer is not cut off').toBeLessThanOrEqual(800);
  await shot(e.page, 'panel-context');

  // The earlier conversation opens read-only.
  const earlier = e.page.locator('#earlier');
  await earlier.locator('summary').click();
  await expect(earlier).toContainText('They do, since 2021. Anything else?');
  await earlier.locator('[data-earlier]').first().click();
  const dialog = e.page.getByRole('dialog', { name: 'Earlier conversation' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Do the Ridge 2 poles fit the older tent?');
  await expect(dialog).toContainText('read-only');
  await expect(dialog.locator('textarea')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(earlier.locator('[data-earlier]').first()).toBeFocused();

  // The visitor leaves: presence turns into a hollow ring and the word "Away".
  await v.context.close();
  await expect(row.locator('.presence-text')).toHaveText('Away', { timeout: 20_000 });
  await expect(row.locator('.dot')).toHaveAttribute('aria-label', 'visitor away');
  const ring = await row.locator('.dot').evaluate((d) => getComputedStyle(d).backgroundColor);
  expect(ring, 'away is a hollow ring').toBe('rgba(0, 0, 0, 0)');
  await expect(e.page.locator('#conv-context')).toContainText('Last page');

  e.console.check();
  await closeViaApi(request, await e.token(), second);
});
