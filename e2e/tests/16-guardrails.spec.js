// The expert's desk guardrails: the admin caps Ada's async conversations (she sees the cap in
// her panel), then sets a waiting threshold, time passes (test clock) with a
// visitor's question unanswered, the conversation shows up as stale under its expert, and one
// click hands it to a colleague.
const { test, expect } = require('@playwright/test');
const { visitor, admin, expert, advanceClock, shot } = require('../helpers');

test('admin sees a stale conversation under its expert and reassigns it in one click', async ({ browser, request }) => {
  const { context, page, console, tab, token } = await admin(browser);
  const auth = { headers: { authorization: `Bearer ${await token()}` } };

  // The async cap: the admin keeps one of Ada's slots for visitors who are online; Ada sees it.
  await page.getByLabel('Async cap of Ada').fill('2');
  await page.locator('tr[data-expert="ada@demo.ebb"] td').nth(4).getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#announce')).toHaveText('Ada updated.');
  const ada = await expert(browser);
  await expect(ada.page.locator('#async-cap-meter')).toBeVisible();
  await expect(ada.page.locator('#async-cap')).toHaveText('2');

  await tab('Stale work');
  const view = page.locator('[data-view=stale]');
  await view.getByLabel('Minutes waiting for a reply').fill('5');
  await view.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(view.locator('#stale-ok')).toHaveText('Saved.');

  const v = await visitor(browser);
  await v.open();
  await v.send('Is anyone there? I need help with my order.');
  const id = await v.conversationId();
  const row = view.locator(`tr[data-stale-conversation="${id}"]`);
  await tab('Stale work');
  await expect(view.getByRole('heading', { name: 'Stale work' })).toBeVisible();
  await expect(row).toHaveCount(0);

  await advanceClock(request, 6 * 60);
  await tab('Stale work');
  await expect(row).toBeVisible();
  await expect(row).toContainText('visitor waiting for an answer');
  // Under the expert it belongs to (or the queue when nobody was free).
  const read = await request.get(`/api/v1/admin/conversations/${id}`, auth);
  const owner = (await read.json()).conversation.state.expert || null;
  const group = view.locator(`[data-stale-expert="${owner || 'queue'}"]`);
  await expect(group.locator(`tr[data-stale-conversation="${id}"]`)).toBeVisible();
  await shot(page, '16-stale-work');

  const pick = row.getByRole('combobox');
  const to = await pick.locator('option').first().getAttribute('value');
  const toName = await pick.locator('option').first().textContent();
  await row.getByRole('button', { name: 'Reassign' }).click();
  await expect(page.locator('#announce')).toContainText(`reassigned to ${toName}`);
  await expect(view.locator(`[data-stale-expert="${to}"] tr[data-stale-conversation="${id}"]`)).toBeVisible();
  const moved = await (await request.get(`/api/v1/admin/conversations/${id}`, auth)).json();
  expect(moved.conversation.state.expert).toBe(to);
  await expect(view.locator('#stale-error')).toHaveText('');

  // Leave the demo as later tests expect it.
  await request.post(`/api/v1/admin/conversations/${id}/close`, auth);
  await request.put('/api/v1/admin/stale-thresholds', { ...auth, data: { waiting_minutes: 1440, snoozed_minutes: 4320 } });
  const team = await (await request.get('/api/v1/admin/experts', auth)).json();
  const adaId = team.experts.find((x) => x.email === 'ada@demo.ebb').id;
  await request.patch(`/api/v1/admin/experts/${adaId}`, { ...auth, data: { async_cap: null } });
  ada.console.check();
  await ada.context.close();
  console.check();
  v.console.check();
  await v.context.close();
  await context.close();
});
