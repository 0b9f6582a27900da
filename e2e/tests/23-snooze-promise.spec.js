// The snooze promise: Ada snoozes the visitor's question and the widget says when she will
// be back; the admin hands it to Bob and the widget names Bob at once (live, over the
// WebSocket), the same after a reload; the visitor's reply ends it.
const { test, expect } = require('@playwright/test');
const { visitor } = require('../helpers');

async function login(request, path, email) {
  const res = await request.post(path, { data: { brand: 'demo', email, password: 'ebb-demo' } });
  expect(res.ok(), `${email} login: ${res.status()}`).toBeTruthy();
  return { authorization: `Bearer ${(await res.json()).token}` };
}

test('the visitor sees who will answer and by when, renamed when the admin reassigns', async ({ browser, request }) => {
  const ada = await login(request, '/api/v1/auth/login', 'ada@demo.ebb');
  const bob = await login(request, '/api/v1/auth/login', 'bob@demo.ebb');
  const root = await login(request, '/api/v1/admin/login', 'admin@demo.ebb');
  await request.put('/api/v1/expert/status', { headers: ada, data: { status: 'available' } });
  await request.put('/api/v1/expert/profile', { headers: ada, data: { display_name: 'Ada' } });

  const v = await visitor(browser, { locale: 'en-US' });
  await v.open();
  await v.send('Do you ship tents to Norway?');
  const id = await v.conversationId();
  const promise = v.page.locator('#ebb-widget .promise');
  await expect(promise).toBeHidden();

  const snoozed = await request.post(`/api/v1/expert/conversations/${id}/snooze`, { headers: ada, data: { choice: { kind: 'one_day' } } });
  expect(snoozed.ok(), `snooze: ${snoozed.status()}`).toBeTruthy();
  await expect(promise).toHaveText(/^Ada will get back to you by /);

  await request.put('/api/v1/expert/status', { headers: bob, data: { status: 'available' } });
  const bobId = (await (await request.get('/api/v1/expert/me', { headers: bob })).json()).expert.id;
  const moved = await request.post(`/api/v1/admin/conversations/${id}/reassign`, { headers: root, data: { expert_id: bobId } });
  expect(moved.ok(), `reassign: ${moved.status()}`).toBeTruthy();
  await expect(promise).toHaveText(/^Bob will get back to you by /);
  await v.page.reload();
  await v.open();
  await expect(promise).toHaveText(/^Bob will get back to you by /);

  await v.send('Thanks, I will wait.');
  await expect(promise).toBeHidden();
  v.console.check();

  await request.post(`/api/v1/expert/conversations/${id}/close`, { headers: bob, data: {} });
  await request.put('/api/v1/expert/status', { headers: bob, data: { status: 'away' } });
  await request.put('/api/v1/expert/profile', { headers: ada, data: {} });
  await v.context.close();
});
