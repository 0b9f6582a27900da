// Who is paid after a transfer (docs/earnings.md, "After a transfer"), in the screens: Ada
// replies, tries to hand the conversation to Bob while he is full (a clear refusal, nothing
// moves), then transfers it once he has room. A purchase before Bob's first reply credits
// Ada (she replied last); Bob replies and closes, and a purchase within the window after
// the close credits him. Ada's and Bob's earnings in the panel and the console's payouts
// show the contact fee going to Bob, the closer, and each commission to its last replier.
const { test, expect } = require('@playwright/test');
const { visitor, expert, admin, advanceClock } = require('../helpers');

const auth = (token) => ({ authorization: `Bearer ${token}` });
const run = Date.now().toString(36);
// The same terms as e2e 07's mission, so the amounts hold whichever mission pays first.
const MISSION = { name: 'Outdoor advice', contact_fee: { minor: 250, currency: 'EUR' }, commission_bp: 1000 };

/** Calls the API and expects a success; resolves to the JSON body (or null). */
async function ok(request, method, path, token, data) {
  const res = await request.fetch(path, { method, headers: token ? auth(token) : {}, data });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBeTruthy();
  const body = await res.text();
  return body ? JSON.parse(body) : null;
}

/** The mission paying Ada and Bob: e2e 07's if it ran, else a new one with its terms. */
async function ensureMission(request, adminToken, members) {
  const { missions } = await ok(request, 'GET', '/api/v1/admin/missions', adminToken);
  const mission = missions.find((m) => m.name === MISSION.name)
    || await ok(request, 'POST', '/api/v1/admin/missions', adminToken, MISSION);
  for (const x of members) await ok(request, 'POST', `/api/v1/admin/missions/${mission.id}/members`, adminToken, { expert_id: x.id });
}

/** Reports an order placed now (server time) by the visitor holding `visitorToken`. */
async function purchase(request, apiKey, visitorToken, orderId, amountMinor) {
  const { now } = await (await request.get('/api/v1/test/clock')).json();
  return ok(request, 'POST', '/api/v1/server/purchases', apiKey,
    { order_id: orderId, visitor_token: visitorToken, amount_minor: amountMinor, currency: 'EUR', purchased_at: now });
}

/** A visitor who has written `text`; resolves to the visitor and their conversation id. */
async function writingVisitor(browser, text) {
  const v = await visitor(browser);
  await v.open();
  await v.send(text);
  return { v, id: await v.conversationId() };
}

test('after a transfer the closer earns the fee and the last replier each commission', async ({ browser, request }) => {
  // A fresh 30-day period: the earnings screens show only what this test earns.
  await advanceClock(request, 40 * 24 * 3600);
  const adminToken = (await ok(request, 'POST', '/api/v1/admin/login', null, { brand: 'demo', email: 'admin@demo.ebb', password: 'ebb-demo' })).token;
  const team = (await ok(request, 'GET', '/api/v1/admin/experts', adminToken)).experts;
  const [ada, bob] = ['Ada', 'Bob'].map((name) => team.find((x) => x.name === name));
  await ensureMission(request, adminToken, [ada, bob]);
  const apiKey = (await ok(request, 'POST', '/api/v1/admin/api-keys', adminToken, { name: `e2e transfer ${run}` })).key;
  const holder = async (id) => (await ok(request, 'GET', `/api/v1/admin/conversations/${id}`, adminToken)).conversation.state.expert;
  /** Has the admin reassign conversation `id` to `who` unless routing gave it to them. */
  const hold = async (id, who) => {
    if (await holder(id) !== who.id) await ok(request, 'POST', `/api/v1/admin/conversations/${id}/reassign`, adminToken, { expert_id: who.id });
  };

  // Ada holds the visitor's conversation (Bob is away, as in the demo) and replies.
  await ok(request, 'PATCH', `/api/v1/admin/experts/${ada.id}`, adminToken, { capacity: 10, status: 'available' });
  const e = await expert(browser);
  const { v, id } = await writingVisitor(browser, `Which stove for a winter trip? (${run})`);
  await hold(id, ada);
  await e.page.reload();
  await e.open(id);
  await e.send('A liquid-fuel stove works best in the cold.');

  // Bob, available, has one slot left; it fills while Ada's dialog is open.
  const b = await expert(browser, 'bob@demo.ebb');
  const bobHeld = (await ok(request, 'GET', '/api/v1/admin/experts', adminToken)).experts.find((x) => x.id === bob.id).slots.held;
  await ok(request, 'PATCH', `/api/v1/admin/experts/${bob.id}`, adminToken, { capacity: bobHeld + 1, status: 'available' });
  await e.page.getByRole('button', { name: 'Transfer…' }).click();
  const dialog = e.page.locator('#transfer-dialog');
  await dialog.getByLabel(/Bob/).check();
  const filler = await writingVisitor(browser, `Do you ship to Norway? (${run})`);
  await hold(filler.id, bob);
  await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
  await expect(e.page.locator('#transfer-error')).toHaveText(/Bob is full: no free slot right now/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // Opened again, the dialog shows him full and does not let Ada pick him; nothing moved.
  await e.page.getByRole('button', { name: 'Transfer…' }).click();
  await expect(dialog.getByLabel(/Bob/)).toBeDisabled();
  await expect(dialog.locator('label', { hasText: 'Bob' })).toContainText('full');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await holder(id)).toBe(ada.id);

  // A slot more for Bob: the transfer goes through and reaches his panel.
  await ok(request, 'PATCH', `/api/v1/admin/experts/${bob.id}`, adminToken, { capacity: bobHeld + 2 });
  await e.page.getByRole('button', { name: 'Transfer…' }).click();
  await dialog.getByLabel(/Bob/).check();
  await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(e.item(id)).toHaveCount(0);

  // Bought before Bob's first reply: Ada replied last, the commission is hers.
  const token = await v.page.evaluate(() => localStorage.getItem('ebb:demo:token'));
  const before = await purchase(request, apiKey, token, `e2e-transfer-before-${run}`, 4000);
  expect(before.expert_id).toBe(ada.id);

  // Bob replies and closes in his panel.
  await b.page.reload();
  await b.open(id);
  await b.send('Ada told me about your trip: the Nordic 2 stove is in stock.');
  await b.page.locator('#close-btn').click();
  await b.page.locator('#close-confirm').click();
  await expect(b.item(id)).toHaveCount(0);

  // Bought an hour after the close, within the window: Bob replied last, it is his.
  await advanceClock(request, 3600);
  const after = await purchase(request, apiKey, token, `e2e-transfer-after-${run}`, 9000);
  expect(after.expert_id).toBe(bob.id);
  expect(after.conversation_id).toBe(id);

  // Ada's statement: the first commission, no contact fee for the conversation she passed on.
  const short = `#${id.slice(-6).toUpperCase()}`;
  await e.page.getByRole('button', { name: 'Earnings' }).click();
  const adaRows = e.page.locator('#earn-entries tr');
  await expect(e.page.locator('#earn-totals')).toHaveText('€4.00');
  await expect(adaRows).toHaveCount(1);
  await expect(adaRows.first()).toContainText('Commission');
  await expect(adaRows.first()).toContainText(short);
  await expect(adaRows.first()).toContainText('€4.00');

  // Bob's: the contact fee (he closed it) and the commission on the later purchase.
  await b.page.getByRole('button', { name: 'Earnings' }).click();
  const bobRows = b.page.locator('#earn-entries tr');
  await expect(b.page.locator('#earn-totals')).toHaveText('€11.50');
  await expect(bobRows).toHaveCount(2);
  await expect(bobRows.filter({ hasText: 'Contact fee' })).toContainText(short);
  await expect(bobRows.filter({ hasText: 'Contact fee' })).toContainText('€2.50');
  await expect(bobRows.filter({ hasText: 'Commission' })).toContainText(short);
  await expect(bobRows.filter({ hasText: 'Commission' })).toContainText('€9.00');

  // The console's payouts agree.
  const a = await admin(browser);
  await a.tab('Payouts');
  await expect(a.page.locator('#payouts tr[data-expert="Ada"]')).toContainText('€4.00');
  await expect(a.page.locator('#payouts tr[data-expert="Bob"]')).toContainText('€11.50');
  await expect(a.page.locator('#payouts tr[data-expert="Bob"] td').nth(1)).toHaveText('2');

  // Leave the demo as it was: the filler closed, Ada and Bob back to their demo settings.
  await ok(request, 'POST', `/api/v1/admin/conversations/${filler.id}/close`, adminToken, {});
  await ok(request, 'PATCH', `/api/v1/admin/experts/${bob.id}`, adminToken, { capacity: 2, status: 'away' });
  await ok(request, 'PATCH', `/api/v1/admin/experts/${ada.id}`, adminToken, { capacity: 3 });
  e.console.check([/status of 409/]);
  b.console.check();
  v.console.check();
  filler.v.console.check();
  a.console.check();
  for (const page of [a, b, e, v, filler.v]) await page.context.close();
});
