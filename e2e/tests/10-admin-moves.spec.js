// The brand admin moves a conversation by hand from the live queue: reassigns it to Bob,
// sends it back to the brand queue, then closes it.
const { test, expect } = require('@playwright/test');
const { visitor, admin } = require('../helpers');

test('admin reassigns, unassigns and closes a conversation from the live queue', async ({ browser }) => {
  const { context, page, console } = await admin(browser);

  const v = await visitor(browser);
  await v.open();
  await v.send('Please pass me to someone else.');
  const id = await v.conversationId();
  const row = page.locator(`tr[data-conversation="${id}"]`);
  await expect(row).toBeVisible({ timeout: 15_000 });

  await row.getByRole('combobox').selectOption({ label: 'Bob' });
  await row.getByRole('button', { name: 'Reassign' }).click();
  await expect(row.locator('td').nth(2)).toHaveText('Bob');
  await expect(row.locator('td').nth(1)).toHaveText('assigned');

  await row.getByRole('button', { name: 'Unassign' }).click();
  await expect(row.locator('td').nth(2)).not.toHaveText('Bob');

  await row.getByRole('button', { name: 'Close' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.locator('#move-error')).toHaveText('');

  console.check();
  v.console.check();
  await v.context.close();
  await context.close();
});
