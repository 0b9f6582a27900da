// Notes, tags and transfer in the panel: Ada writes an internal note (the visitor's widget
// and transcript never show it), tags the conversation and filters her list by the tag,
// tries to transfer it to a colleague who just became full (a clear message, nothing
// moves), then transfers it with a note; the colleague's panel shows it, note included.
const { test, expect } = require('@playwright/test');
const { visitor, expert } = require('../helpers');

const auth = (token) => ({ authorization: `Bearer ${token}` });
const run = Date.now().toString(36);
const NOTE = `note-${run}: refund approved internally`;
const HANDOVER = `handover-${run}: she wants the blue tent`;
const COLLEAGUE_PASSWORD = 'colleague-password-e2e';

/** Calls the API and expects a success; resolves to the JSON body (or null). */
async function ok(request, method, path, token, data) {
  const res = await request.fetch(path, { method, headers: token ? auth(token) : {}, data });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBeTruthy();
  return res.status() === 204 ? null : res.json();
}

/** A new colleague of the demo brand (invited, password set, available): id, email, token. */
async function colleague(request, adminToken, name) {
  const email = `${name.toLowerCase()}-${run}@demo.ebb`;
  const invited = await ok(request, 'POST', '/api/v1/admin/experts', adminToken, { email, name, capacity: 1 });
  await ok(request, 'POST', '/api/v1/auth/password', null, { brand: 'demo', token: invited.invitation.token, password: COLLEAGUE_PASSWORD });
  const session = await ok(request, 'POST', '/api/v1/auth/login', null, { brand: 'demo', email, password: COLLEAGUE_PASSWORD });
  await ok(request, 'PUT', '/api/v1/expert/status', session.token, { status: 'available' });
  return { id: invited.id, email, token: session.token };
}

test('notes stay internal, tags filter the list, transfer respects capacity', async ({ browser, request }) => {
  const adminToken = (await ok(request, 'POST', '/api/v1/admin/login', null, { brand: 'demo', email: 'admin@demo.ebb', password: 'ebb-demo' })).token;
  const tag = await ok(request, 'POST', '/api/v1/admin/tags', adminToken, { name: `vip-${run}` });

  const e = await expert(browser);
  const ada = (await ok(request, 'GET', '/api/v1/expert/me', await e.token())).expert;
  await ok(request, 'PATCH', `/api/v1/admin/experts/${ada.id}`, adminToken, { capacity: 10, status: 'available' });

  const v = await visitor(browser);
  await v.open();
  await v.send('Hello, about my refund');
  const id = await v.conversationId();
  const held = await ok(request, 'GET', `/api/v1/admin/conversations/${id}`, adminToken);
  if (held.conversation.state.expert !== ada.id) {
    await ok(request, 'POST', `/api/v1/admin/conversations/${id}/reassign`, adminToken, { expert_id: ada.id });
  }
  const cleo = await colleague(request, adminToken, 'Cleo');

  // An internal note: marked in Ada's timeline, nowhere on the visitor's side.
  await e.page.reload();
  await e.open(id);
  await e.page.locator('#note-text').fill(NOTE);
  await e.page.getByRole('button', { name: 'Add note' }).click();
  const note = e.timeline.locator('li.note', { hasText: NOTE });
  await expect(note).toBeVisible();
  await expect(note).toContainText('Internal note — the visitor doesn\'t see this');
  await e.send('Your refund is on its way');
  await expect(v.messages.filter({ hasText: 'Your refund is on its way' })).toBeVisible();
  await expect(v.log).not.toContainText(NOTE);

  // The visitor's transcript: the messages, never the note.
  const [download] = await Promise.all([
    v.page.waitForEvent('download'),
    v.page.locator('#ebb-widget').getByRole('button', { name: 'Download transcript' }).click(),
  ]);
  const transcript = require('node:fs').readFileSync(await download.path(), 'utf8');
  expect(transcript).toContain('Your refund is on its way');
  expect(transcript).not.toContain(NOTE);

  // A tag, and the list filtered by it.
  await e.page.reload();
  await e.open(id);
  await e.page.getByLabel('Add a tag').selectOption({ label: tag.name });
  await expect(e.page.locator('#conv-tags .chip', { hasText: tag.name })).toBeVisible();
  await e.page.locator('#tag-filter').selectOption({ label: tag.name });
  await expect(e.page.locator('.conv-item')).toHaveCount(1);
  await expect(e.item(id)).toContainText(tag.name);
  await e.page.locator('#tag-filter').selectOption({ label: 'All conversations' });

  // Cleo is free when the dialog opens, full when Ada confirms: a clear refusal.
  await e.page.getByRole('button', { name: 'Transfer…' }).click();
  const dialog = e.page.locator('#transfer-dialog');
  await dialog.getByLabel(/Cleo/).check();
  await ok(request, 'PATCH', `/api/v1/admin/experts/${cleo.id}`, adminToken, { capacity: 0 });
  await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
  await expect(e.page.locator('#transfer-error')).toHaveText(/Cleo is full: no free slot right now/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(e.item(id)).toBeVisible();

  // Room again: the transfer goes through, with a note for Cleo.
  await ok(request, 'PATCH', `/api/v1/admin/experts/${cleo.id}`, adminToken, { capacity: 1 });
  await e.page.getByRole('button', { name: 'Transfer…' }).click();
  await dialog.getByLabel(/Cleo/).check();
  await dialog.getByLabel(/Note for the colleague/).fill(HANDOVER);
  await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(e.item(id)).toHaveCount(0);

  // Cleo's panel has it, with the transfer note and Ada's internal note.
  const c = await browser.newContext();
  const cp = await c.newPage();
  await cp.goto('/panel/?brand=demo');
  await cp.getByLabel('E-mail').fill(cleo.email);
  await cp.getByLabel('Password').fill(COLLEAGUE_PASSWORD);
  await cp.getByRole('button', { name: 'Log in' }).click();
  const item = cp.locator(`.conv-item[data-id="${id}"]`);
  await expect(item).toBeVisible({ timeout: 15_000 });
  await item.click();
  await expect(cp.locator('#timeline')).toContainText(`Transferred to you, with a note: ${HANDOVER}`);
  await expect(cp.locator('#timeline li.note', { hasText: NOTE })).toBeVisible();

  // The visitor never saw either.
  await expect(v.log).toContainText('Your refund is on its way');
  await expect(v.log).not.toContainText(NOTE);
  await expect(v.log).not.toContainText(HANDOVER);

  await ok(request, 'POST', `/api/v1/expert/conversations/${id}/close`, cleo.token, {});
  await ok(request, 'PATCH', `/api/v1/admin/experts/${cleo.id}`, adminToken, { disabled: true });
  await ok(request, 'PATCH', `/api/v1/admin/experts/${ada.id}`, adminToken, { capacity: 3 });
  e.console.check([/status of 409/]);
  v.console.check();
  await c.close();
  await v.context.close();
  await e.context.close();
});
