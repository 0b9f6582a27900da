// The brand admin changes the automatic message, sees who holds what, and manages experts.
const { test, expect } = require('@playwright/test');
const { visitor, admin, shot } = require('../helpers');

test('admin edits the automatic message, invites an expert and sees the live queue', async ({ browser }) => {
  const { context, page, console } = await admin(browser);

  await page.getByLabel(/Automatic message/).fill('Hello from the e2e shop! We reply within {typical_reply_time}.');
  await page.getByLabel(/Typical reply time/).fill('one afternoon');
  await expect(page.getByLabel(/messages' text and CSAT comment are erased/)).toHaveValue('0');
  await page.getByLabel(/messages' text and CSAT comment are erased/).fill('365');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('#settings-ok')).toHaveText('Saved.');
  await page.reload();
  await expect(page.getByLabel(/messages' text and CSAT comment are erased/)).toHaveValue('365');

  const invite = page.locator('#invite');
  await invite.getByLabel('Name').fill('Cleo');
  await invite.getByLabel('E-mail').fill('cleo@demo.ebb');
  await page.getByRole('button', { name: 'Invite' }).click();
  await expect(page.locator('tr[data-expert="cleo@demo.ebb"]')).toContainText('Cleo');
  const link = await page.locator('#invite-url').inputValue();
  expect(link).toContain('#set-password=');

  // Cleo opens the invitation, chooses her password and logs in to the panel.
  const cleo = await context.newPage();
  await cleo.goto(link);
  await cleo.getByLabel('New password').fill('cleo-secret-1');
  await cleo.getByRole('button', { name: 'Set password' }).click();
  await expect(cleo.locator('#login-error')).toHaveText('Password set. Log in with it.');
  await cleo.locator('#login').getByLabel('E-mail').fill('Cleo@Demo.EBB');
  await cleo.locator('#login').getByLabel('Password').fill('cleo-secret-1');
  await cleo.getByRole('button', { name: 'Log in' }).click();
  await expect(cleo.locator('#who')).toContainText('Cleo');
  await cleo.close();

  await page.getByRole('button', { name: 'Disable Cleo' }).click();
  await expect(page.locator('tr[data-expert="cleo@demo.ebb"]')).toContainText('disabled');

  // A visitor writes: the new automatic message appears, and the console shows who holds it.
  const v = await visitor(browser);
  await v.open();
  await v.send('Testing the new welcome.');
  await expect(v.messages.filter({ hasText: 'within one afternoon' })).toBeVisible();
  await expect(page.locator('#holdings')).toContainText('Visitor', { timeout: 15_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'admin-console', { fullPage: true });

  console.check();
  v.console.check();
  await v.context.close();
  await context.close();
});
