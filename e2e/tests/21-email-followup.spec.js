// Email follow-up through a real SMTP server (maildev, started by scripts/e2e): the visitor
// leaves an address and goes away, the expert replies, the test clock passes the brand's
// delay, the email arrives, and its link reopens the conversation in a fresh browser
// context; the transcript can be emailed, and the unsubscribe link works.
const { test, expect } = require('@playwright/test');
const { visitor, expert, admin, shot, advanceClock, closeViaApi, watchConsole } = require('../helpers');

const MAILDEV = process.env.EBB_MAILDEV_URL;

/** Emails maildev received for `to`, oldest first. */
async function inbox(request, to) {
  const res = await request.get(`${MAILDEV}/email`);
  expect(res.ok()).toBeTruthy();
  return (await res.json()).filter((m) => m.to.some((t) => t.address === to));
}

/** Waits until `count` emails arrived for `to`. */
async function arrived(request, to, count) {
  await expect.poll(async () => (await inbox(request, to)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
  return inbox(request, to);
}

/** The first word after `prefix` in `text`. */
function after(text, prefix) {
  return text.slice(text.indexOf(prefix) + prefix.length).split(/\s/)[0];
}

test('a reply the visitor missed is emailed, and its link reopens the conversation anywhere', async ({ browser, request }) => {
  expect(MAILDEV, 'scripts/e2e starts maildev').toBeTruthy();
  // The admin asks for addresses in the console.
  const a = await admin(browser);
  await a.tab('Widget');
  await a.page.getByLabel('Ask visitors for an email address').selectOption('always_optional');
  await a.page.getByLabel(/Email a reply after it stays unseen for/).fill('5');
  await a.page.getByLabel('Consent text in English').fill('We email you replies you have not seen. Stop any time.');
  await a.page.getByRole('button', { name: 'Save email settings' }).click();
  await expect(a.page.locator('#em-ok')).toHaveText('Email settings saved.');
  a.console.check();
  await a.context.close();

  const v = await visitor(browser);
  await v.open();
  await v.send('Can I return boots bought in a sale?');
  const id = await v.conversationId();
  const w = v.page.locator('#ebb-widget');
  const address = `hiker-${Date.now()}@example.com`;
  await expect(w.locator('form.email')).toBeVisible();
  await expect(w.locator('.consent')).toHaveText('We email you replies you have not seen. Stop any time.');
  await w.getByLabel('Get our replies by email').fill(address);
  await w.getByRole('button', { name: 'Save' }).click();
  await expect(w.locator('.note')).toHaveText(`We will email the replies you miss to ${address}.`);
  await shot(v.page, 'widget-email-field');
  await v.page.close();

  const e = await expert(browser);
  await e.open(id);
  await e.send('Yes, within 30 days. Bring the <receipt>.');
  await advanceClock(request, 6 * 60);
  const [mail] = await arrived(request, address, 1);
  expect(mail.subject).toBe('New reply from Demo Outdoor Co.');
  expect(mail.html).toContain('Bring the &lt;receipt&gt;.');
  expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  const link = after(mail.text, 'Continue the conversation: ');
  expect(link).toContain('/demo/#ebb-resume=');

  // A fresh browser context (another device): the link opens the conversation with the reply.
  const fresh = await browser.newContext();
  const page = await fresh.newPage();
  const console = watchConsole(page);
  await page.goto(link);
  const widget = page.locator('#ebb-widget');
  await expect(widget.locator('.log .msg').filter({ hasText: 'Can I return boots' })).toBeVisible();
  await expect(widget.locator('.log .msg.expert').filter({ hasText: 'Bring the <receipt>.' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('');
  await shot(page, 'widget-reopened-from-email');

  // The transcript by email, from the reopened widget.
  await widget.getByRole('button', { name: 'Email me this transcript' }).click();
  await expect(widget.locator('.note')).toHaveText(`The transcript is on its way to ${address}.`);
  const mails = await arrived(request, address, 2);
  expect(mails[1].subject).toBe('Your conversation with Demo Outdoor Co.');
  expect(mails[1].text).toContain('Can I return boots bought in a sale?');

  // A forged link is refused clearly and the visitor stays anonymous.
  const other = await browser.newContext();
  const forged = await other.newPage();
  await forged.goto(link.slice(0, -4) + 'AAAA');
  await expect(forged.locator('#ebb-widget .error')).toContainText('This link could not open your conversation');
  expect(await forged.evaluate(() => localStorage.getItem('ebb:demo:token'))).toBeNull();

  // Unsubscribe: the page asks, the button stops follow-ups.
  const unsubscribe = after(mail.text, 'Stop these emails: ');
  const stop = await fresh.newPage();
  await stop.goto(unsubscribe);
  await expect(stop.getByRole('heading', { name: 'Stop follow-up emails?' })).toBeVisible();
  await stop.getByRole('button', { name: 'Stop these emails' }).click();
  await expect(stop.getByRole('heading', { name: 'You are unsubscribed' })).toBeVisible();
  await e.send('One more thing: keep the box.');
  await advanceClock(request, 6 * 60);
  await page.waitForTimeout(1500);
  expect(await inbox(request, address)).toHaveLength(2);

  console.check();
  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await fresh.close();
  await other.close();
  await e.context.close();
  await v.context.close();
});
