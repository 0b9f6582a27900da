// Issue 7 end to end: the admin creates a mission (contact fee + 10 % commission) and adds
// Ada; a visitor chats, Ada answers and closes, the visitor rates the conversation and buys
// (reported from the page, then confirmed by the brand's server). Ada sees the statement
// in the panel (and downloads it as CSV); the admin sees payouts, satisfaction, the report
// with its charts, and edits the saved replies. A later message starts a linked follow-up.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { visitor, expert, admin, shot } = require('../helpers');


const auth = (token) => ({ authorization: `Bearer ${token}` });

/** Reads a Playwright download as text. */
async function text(download) {
  return fs.readFileSync(await download.path(), 'utf8');
}

test('mission earnings, CSAT, payouts and reports in the panel and the console', async ({ browser, request }) => {
  // The admin creates a mission paying 2.50 EUR per closed conversation and 10 % commission.
  const a = await admin(browser);
  await a.tab('Missions');
  const form = a.page.locator('#new-mission');
  await form.getByLabel('Mission name').fill('Outdoor advice');
  await form.getByLabel('Contact fee').fill('2.50');
  await form.getByLabel('Currency').fill('EUR');
  await form.getByLabel('Commission (%)').fill('10');
  await form.getByRole('button', { name: 'Create mission' }).click();
  const mission = a.page.locator('tr[data-mission="Outdoor advice"]');
  await expect(mission).toContainText('€2.50');
  await expect(mission).toContainText('10 %');
  await mission.getByLabel('Expert to add to Outdoor advice').selectOption({ label: 'Ada' });
  await mission.getByRole('button', { name: 'Add' }).click();
  await expect(mission.locator('.members')).toHaveText('Ada');
  await shot(a.page, 'admin-missions');

  // A visitor asks; Ada answers in the panel and closes.
  const v = await visitor(browser);
  await v.open();
  await v.send('Which sleeping bag for −10 °C nights?');
  const id = await v.conversationId();
  const e = await expert(browser);
  await e.open(id);
  await e.send('The Polar 700: comfortable down to −12 °C.');
  const closed = await request.post(`/api/v1/expert/conversations/${id}/close`, { headers: auth(await e.token()), data: {} });
  expect(closed.ok(), `close: ${closed.status()}`).toBeTruthy();

  // The visitor rates it: the widget posts the rating and the server stores it (201).
  await expect(v.survey).toBeVisible();
  await v.survey.getByText('5', { exact: true }).click();
  await v.survey.getByLabel(/Anything to add/).fill('Exactly what I needed.');
  const [rated] = await Promise.all([
    v.page.waitForResponse((r) => r.url().endsWith(`/conversations/${id}/csat`)),
    v.survey.getByRole('button', { name: 'Send feedback' }).click(),
  ]);
  expect(rated.status()).toBe(201);
  await expect(v.page.locator('#ebb-widget .thanks')).toHaveText(/Thank you/);
  await shot(v.page, 'widget-csat-thanks');
  // Once per conversation: a second rating is refused.
  const token = await v.page.evaluate(() => localStorage.getItem('ebb:demo:token'));
  const again = await request.post(`/api/v1/widget/demo/conversations/${id}/csat`, { headers: auth(token), data: { rating: 1 } });
  expect(again.status()).toBe(409);
  expect((await again.json()).type).toBe('/problems/conflict');

  // The visitor buys: the page reports it, the brand's server confirms it.
  const pending = await v.page.evaluate(() => window.Ebb.purchase({ orderId: 'e2e-order-1', amountMinor: 8000, currency: 'EUR' }).then(() => 'ok', (err) => String(err)));
  expect(pending).toBe('ok');
  const key = await request.post('/api/v1/admin/api-keys', { headers: auth(await a.token()), data: { name: 'e2e shop' } });
  expect(key.status()).toBe(201);
  const { now } = await (await request.get('/api/v1/test/clock')).json();
  const order = await request.post('/api/v1/server/purchases', {
    headers: auth((await key.json()).key),
    data: { order_id: 'e2e-order-1', visitor_token: token, amount_minor: 8000, currency: 'EUR', purchased_at: now },
  });
  expect([200, 201], `purchase: ${order.status()} ${await order.text()}`).toContain(order.status());

  // Ada's statement: 2.50 contact fee + 8.00 commission, her mission and her rating.
  await e.page.getByRole('button', { name: 'Earnings' }).press('Enter');
  const view = e.page.locator('#earnings');
  await expect(view).toBeVisible();
  await expect(view.locator('#earn-totals')).toHaveText('€10.50');
  const rows = view.locator('#earn-entries tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Contact fee' })).toContainText('€2.50');
  await expect(rows.filter({ hasText: 'Commission' })).toContainText('€8.00');
  await expect(rows.first()).toContainText('Outdoor advice');
  await expect(view.locator('#earn-missions')).toContainText('Outdoor advice: €2.50 per closed conversation, 10 % commission');
  await expect(view.locator('#earn-csat')).toHaveText(/^[1-5]\.\d \/ 5$/);
  await shot(e.page, 'panel-earnings');
  const [statement] = await Promise.all([
    e.page.waitForEvent('download'),
    view.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(statement.suggestedFilename()).toBe('ebb-statement.csv');
  const csv = await text(statement);
  expect(csv).toContain('contact_fee');
  expect(csv).toContain('commission');
  // Back to the conversations.
  await e.page.getByRole('button', { name: 'Conversations' }).click();
  await expect(e.page.locator('#conversations-view')).toBeVisible();

  // The admin: payouts (and their CSV), satisfaction, the report.
  await a.tab('Payouts');
  const ada = a.page.locator('#payouts tr[data-expert="Ada"]');
  await expect(ada).toContainText('€10.50');
  await expect(ada).toContainText('EUR');
  await shot(a.page, 'admin-payouts');
  const [payouts] = await Promise.all([
    a.page.waitForEvent('download'),
    a.page.getByRole('button', { name: 'Download payouts CSV' }).click(),
  ]);
  expect(payouts.suggestedFilename()).toBe('ebb-payouts.csv');
  expect(await text(payouts)).toContain('Ada');

  await a.tab('Satisfaction');
  await expect(a.page.locator('#csat-brand')).toHaveText(/^[1-5]\.\d \/ 5$/);
  await expect(a.page.locator('#csat-brand-count')).toHaveText(/\d+ ratings?/);
  await expect(a.page.locator('#csat-experts tr[data-expert="Ada"]')).toContainText('/ 5');

  await a.tab('Reports');
  const figures = a.page.locator('#report-figures');
  await expect(figures.locator('[data-figure="conversations"] dd')).toHaveText(/^[1-9]\d*$/);
  await expect(a.page.getByRole('img', { name: /^Ratings: .* in all/ })).toBeVisible();
  await expect(a.page.getByRole('img', { name: /handled asynchronously/ })).toBeVisible();
  await expect(a.page.locator('#report-earnings')).toContainText('Contact fees (EUR)');
  await expect(a.page.locator('#report-earnings')).toContainText('Commissions (EUR)');
  await a.page.evaluate(() => window.scrollTo(0, 0));
  await shot(a.page, 'admin-reports', { fullPage: true });

  // A different period with nothing in it says so.
  await a.page.getByLabel('From').fill('2001-01-01');
  await a.page.getByLabel('To (included)').fill('2001-01-31');
  await a.page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(a.page.locator('#report-earnings')).toContainText('No earnings in this period.');

  // Saved replies: add one next to the defaults.
  await a.tab('Saved replies');
  const replies = a.page.locator('#replies > li');
  await expect(replies).toHaveCount(3);
  await a.page.getByRole('button', { name: 'Add a saved reply' }).click();
  const added = replies.last();
  await expect(added.getByLabel('Key')).toBeFocused();
  await added.getByLabel('Key').fill('thanks_order');
  await added.getByLabel('Title').fill('Thanks for the order');
  await added.getByLabel('Text').fill('Thank you for your order! Write here if anything about it is unclear.');
  await a.page.getByRole('button', { name: 'Save all replies' }).click();
  await expect(a.page.locator('#replies-ok')).toHaveText('Saved 4 replies.');
  await expect(replies).toHaveCount(4);
  const list = await (await request.get('/api/v1/expert/saved-replies', { headers: auth(await e.token()) })).json();
  expect(list.saved_replies.map((r) => r.key)).toContain('thanks_order');

  // Writing again after the close starts a linked follow-up: the widget switches to it.
  await v.send('And do you have a matching pillow?');
  const followUp = await v.conversationId();
  expect(followUp).not.toBe(id);
  await expect(v.survey).toHaveCount(0);
  await expect(v.messages.filter({ hasText: 'Polar 700' })).toHaveCount(0);
  const done = await request.post(`/api/v1/admin/conversations/${followUp}/close`, { headers: auth(await a.token()), data: {} });
  expect(done.ok(), `close follow-up: ${done.status()}`).toBeTruthy();

  a.console.check();
  v.console.check();
  e.console.check();
  await a.context.close();
  await v.context.close();
  await e.context.close();
});
