// The widget tells the visitor the truth: a reply a day later shows its date, the expert's
// display name shows, an over-long message is refused with a visible count (never cut), a
// follow-up after a close keeps the earlier conversation visible, and a French browser
// gets French texts and the brand's French greeting.
const { test, expect } = require('@playwright/test');
const { visitor, expert, admin, advanceClock, closeViaApi } = require('../helpers');

async function adminToken(request) {
  const res = await request.post('/api/v1/admin/login', {
    data: { brand: 'demo', email: 'admin@demo.ebb', password: 'ebb-demo' },
  });
  expect(res.ok(), `admin login: ${res.status()}`).toBeTruthy();
  return (await res.json()).token;
}

test('dates, who answers, the length limit and the history after a follow-up', async ({ browser, request }) => {
  const v = await visitor(browser, { locale: 'en-US' });
  const w = v.page.locator('#ebb-widget');
  await v.open();
  await v.input.fill('x'.repeat(4001));
  await expect(w.locator('.count')).toHaveText('4001 / 4000 characters');
  await v.input.press('Enter');
  await expect(w.locator('.error')).toContainText('the limit is 4000');
  await expect(v.messages).toHaveCount(0);
  await expect(v.input).toHaveValue('x'.repeat(4001));

  await v.send('Is the Ridge 2 tent waterproof?');
  await expect(w.locator('.error')).toBeEmpty();
  const first = await v.conversationId();
  const e = await expert(browser);
  const token = await e.token();
  const named = await request.put('/api/v1/expert/profile', {
    headers: { authorization: `Bearer ${token}` }, data: { display_name: 'Ada from Demo' },
  });
  expect(named.ok()).toBeTruthy();
  await e.open(first);
  await advanceClock(request, 26 * 3600);
  await e.send('Yes, with taped seams.');
  const reply = v.messages.filter({ hasText: 'taped seams' });
  await expect(reply.locator('.who')).toContainText('Ada from Demo');
  await expect(reply.locator('time')).toHaveText(/\d{4}/);

  await closeViaApi(request, token, first);
  await expect(v.messages.filter({ hasText: 'conversation was closed' })).toBeVisible();
  await v.send('One more question: is it light?');
  expect(await v.conversationId()).not.toBe(first);
  const old = w.locator('.old .msg');
  await expect(old.filter({ hasText: 'Ridge 2' })).toBeVisible();
  await expect(old.filter({ hasText: 'taped seams' }).locator('time')).toHaveText(/\d{4}/);
  await v.page.reload();
  await v.open();
  await expect(old.filter({ hasText: 'taped seams' })).toBeVisible();
  await expect(v.messages.filter({ hasText: 'is it light' })).toBeVisible();

  v.console.check();
  e.console.check();
  await closeViaApi(request, token, await v.conversationId());
  await request.put('/api/v1/expert/profile', { headers: { authorization: `Bearer ${token}` }, data: {} });
  await v.context.close();
  await e.context.close();
});

test('a French browser gets French texts and the French greeting', async ({ browser, request }) => {
  const headers = { authorization: `Bearer ${await adminToken(request)}` };
  const a = await admin(browser);
  // A slow answer to the form's load: what is typed meanwhile must not be overwritten by it
  // (the fields stay disabled until it arrives, and fill() waits for them).
  await a.page.route('**/api/v1/admin/widget-texts', async (route) => {
    if (route.request().method() === 'GET') await new Promise((done) => setTimeout(done, 800));
    await route.continue();
  });
  const loaded = a.page.waitForResponse((r) => r.url().endsWith('/widget-texts') && r.request().method() === 'GET');
  await a.tab('Widget');
  await a.page.getByLabel('Default greeting').fill('Hello! Ask us anything.');
  await a.page.getByLabel('Greeting in French').fill('Bonjour ! Une question ?');
  await loaded;
  await a.page.getByRole('button', { name: 'Save widget texts' }).click();
  await expect(a.page.locator('#wt-ok')).toHaveText('Widget texts saved.');
  a.console.check();
  await a.context.close();
  const v = await visitor(browser, { locale: 'fr-FR' });
  const w = v.page.locator('#ebb-widget');
  await expect(v.launcher).toHaveAttribute('aria-label', 'Ouvrir les messages');
  await v.open();
  await expect(w.getByRole('button', { name: 'Envoyer', exact: true })).toBeVisible();
  await expect(v.input).toHaveAttribute('placeholder', 'Écrivez un message…');
  await expect(w.locator('.greeting')).toHaveText('Bonjour ! Une question ?');
  const en = await visitor(browser, { locale: 'en-GB' });
  await en.open();
  await expect(en.page.locator('#ebb-widget .greeting')).toHaveText('Hello! Ask us anything.');
  v.console.check();
  en.console.check();
  await request.put('/api/v1/admin/widget-texts', { headers, data: { locale: 'auto', greeting: '' } });
  await v.context.close();
  await en.context.close();
});
