// A visitor answers a follow-up email from their mail app: the mail server posts the raw
// reply to Ebb's inbound hook (what `ebb mail-inbound` does from a Postfix pipe), and the
// new text, without the quoted email, lands in the conversation for the expert and in the
// widget; the same mail posted again lands once.
const { test, expect } = require('@playwright/test');
const { visitor, expert, admin, advanceClock, closeViaApi } = require('../helpers');

const MAILDEV = process.env.EBB_MAILDEV_URL;
const SECRET = process.env.EBB_E2E_INBOUND_SECRET;

/** Emails maildev received for `to`, waiting until there is at least one. */
async function firstMail(request, to) {
  const inbox = async () => {
    const res = await request.get(`${MAILDEV}/email`);
    return (await res.json()).filter((m) => m.to.some((t) => t.address === to));
  };
  await expect.poll(async () => (await inbox()).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  return (await inbox())[0];
}

/** The raw RFC 5322 reply a mail app would send to `mail`, quoting it below the new text. */
function replyTo(mail, from, text) {
  const quoted = mail.text.split('\n').map((l) => `> ${l}`).join('\r\n');
  return [
    `From: Hiker <${from}>`,
    `To: ${mail.headers['reply-to']}`,
    `Subject: Re: ${mail.subject}`,
    `Message-ID: <reply-${Date.now()}@mail.example.com>`,
    `In-Reply-To: ${mail.headers['message-id']}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '',
    `On Tue, 1 Dec 2026 at 10:00, Demo Outdoor Co. <${mail.from[0].address}> wrote:`,
    quoted,
    '',
  ].join('\r\n');
}

test('a visitor replying to the follow-up email writes into the conversation', async ({ browser, request, baseURL }) => {
  expect(MAILDEV && SECRET, 'scripts/e2e starts maildev and sets the inbound secret').toBeTruthy();
  const a = await admin(browser);
  await a.tab('Widget');
  await a.page.getByLabel('Ask visitors for an email address').selectOption('always_optional');
  await a.page.getByLabel(/Email a reply after it stays unseen for/).fill('5');
  await a.page.getByRole('button', { name: 'Save email settings' }).click();
  await expect(a.page.locator('#em-ok')).toHaveText('Email settings saved.');
  await a.context.close();

  const v = await visitor(browser);
  await v.open();
  await v.send('Do you repair zips on tents?');
  const id = await v.conversationId();
  const w = v.page.locator('#ebb-widget');
  const address = `camper-${Date.now()}@example.com`;
  await w.getByLabel('Get our replies by email').fill(address);
  await w.getByRole('button', { name: 'Save' }).click();
  await expect(w.locator('.note')).toContainText(address);
  await v.page.close();

  const e = await expert(browser);
  await e.open(id);
  await e.send('We do: bring the tent to the shop, it takes a week.');
  await advanceClock(request, 6 * 60);
  const mail = await firstMail(request, address);
  expect(mail.headers['reply-to']).toMatch(/^[a-z2-7]{61}@reply\.ebb\.test$/);

  // The visitor's mail app sends the reply; the mail server hands it to Ebb.
  const raw = replyTo(mail, address, 'Great, I will come on Saturday morning.');
  const post = () => request.post(`${baseURL}/api/v1/inbound/email`, {
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'message/rfc822' },
    data: Buffer.from(raw),
  });
  const landed = await post();
  expect(landed.status()).toBe(201);
  expect((await landed.json()).outcome).toBe('landed');

  // The expert sees it live, without the quoted email.
  const said = e.timeline.locator('.msg.visitor').filter({ hasText: 'Great, I will come on Saturday morning.' });
  await expect(said).toHaveCount(1);
  await expect(said).not.toContainText('wrote:');
  await expect(e.timeline.getByText('it takes a week.', { exact: false })).toHaveCount(1);

  // The same mail again (the mail server retried): nothing new.
  const again = await post();
  expect(again.ok()).toBeTruthy();
  expect((await again.json()).outcome).toBe('replayed');

  // Back on the site, the widget shows it as the visitor's own message.
  const back = await v.context.newPage();
  await back.goto('/demo/');
  const widget = back.locator('#ebb-widget');
  const launcher = widget.locator('.launcher');
  await expect(launcher).toBeVisible();
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click();
  await expect(widget.locator('.log .msg').filter({ hasText: 'Great, I will come on Saturday morning.' })).toHaveCount(1);
  await expect(said).toHaveCount(1);

  e.console.check();
  await closeViaApi(request, await e.token(), id);
  await e.context.close();
  await v.context.close();
});
