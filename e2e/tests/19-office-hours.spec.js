// Office hours: the admin sets the brand's hours in the console so that the test clock's
// "now" is closed; the widget says when the team is back and the first message gets the
// back-at automatic message; at opening time (test clock) the widget says the reply time.
const { test, expect } = require('@playwright/test');
const { visitor, admin, advanceClock } = require('../helpers');

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

test('out of office hours the widget and the automatic message say when the team is back', async ({ browser, request }) => {
  const clock = await (await request.get('/api/v1/test/clock')).json();
  const now = new Date(clock.now);
  const tomorrow = DAYS[(now.getUTCDay() + 1) % 7];

  // Open only tomorrow (UTC), 09:00 to 17:00: closed right now.
  const a = await admin(browser);
  await a.tab('Office hours');
  await a.page.getByLabel('Time zone (IANA name, e.g. Europe/Paris)').fill('UTC');
  for (const day of DAYS) {
    const open = a.page.locator(`tr[data-day="${day}"] input[name=open]`);
    if (day === tomorrow) await open.check(); else await open.uncheck();
  }
  const label = tomorrow[0].toUpperCase() + tomorrow.slice(1);
  await a.page.getByLabel(`${label} opens at`).fill('09:00');
  await a.page.getByLabel(`${label} closes at`).fill('17:00');
  await a.page.getByRole('button', { name: 'Save office hours' }).click();
  await expect(a.page.locator('#hours-ok')).toHaveText('Office hours saved.');
  await expect(a.page.locator('#hours-state')).toHaveText('Office hours are on.');

  const v = await visitor(browser, { locale: 'en-GB' });
  await v.open();
  const header = v.page.locator('#ebb-widget').getByText("We're back tomorrow at 9:00");
  await expect(header).toBeVisible();
  await v.send('Is anyone there tonight?');
  await expect(v.messages.filter({ hasText: "We're back tomorrow at 9:00." })).toBeVisible();

  // At 09:00 tomorrow the team is open again: the widget shows the reply time instead.
  const opening = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 9, 1);
  await advanceClock(request, Math.ceil((opening - now.getTime()) / 1000));
  const later = await visitor(browser, { locale: 'en-GB' });
  await later.open();
  await expect(later.page.locator('#ebb-widget').getByText(/Typically replies in/)).toBeVisible();

  // Leave the demo brand always open for the other scenarios.
  await a.page.getByRole('button', { name: 'Remove office hours' }).click();
  await expect(a.page.locator('#hours-ok')).toHaveText('Office hours removed.');
  const id = await v.conversationId();
  const closed = await request.post(`/api/v1/admin/conversations/${id}/close`, {
    headers: { authorization: `Bearer ${await a.token()}` }, data: {},
  });
  expect(closed.ok(), `close: ${closed.status()}`).toBeTruthy();

  a.console.check();
  v.console.check();
  later.console.check();
  await later.context.close();
  await v.context.close();
  await a.context.close();
});
