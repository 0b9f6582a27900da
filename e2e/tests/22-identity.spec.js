// Signed identity across devices: the admin reads the brand's identity secret in the
// console, the shop's "server" (this test) signs a customer id with it, and two fresh
// browsers on the signed page are one visitor (the same conversation and reply); a page
// with a forged signature gets an anonymous visitor who sees none of it.
const crypto = require('node:crypto');
const { test, expect } = require('@playwright/test');
const { visitor, expert, admin, closeViaApi } = require('../helpers');

/**
 * A browser on the demo shop whose page passes `customerId` and `hash` to the widget (set on
 * its script tag as the page is parsed, as a shop's server would print them).
 */
async function signedVisitor(browser, customerId, hash) {
  return visitor(browser, {}, (context) => context.addInitScript(([id, sig]) => {
    new MutationObserver((changes, observer) => {
      const tag = document.querySelector('script[data-brand]');
      if (!tag) return;
      tag.setAttribute('data-customer-id', id);
      tag.setAttribute('data-customer-hash', sig);
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  }, [customerId, hash]));
}

test('a signed customer sees the same conversation in two browsers; a forged one sees nothing', async ({ browser, request }) => {
  const a = await admin(browser);
  await a.tab('Widget');
  a.page.on('dialog', (d) => d.accept());
  await a.page.getByRole('button', { name: 'Show the secret' }).click();
  await expect(a.page.locator('#id-secret')).toHaveText(/^[0-9a-f]{64}$/);
  await a.page.getByRole('button', { name: 'Rotate the secret' }).click();
  await expect(a.page.locator('#announce')).toHaveText('Identity secret rotated.');
  const secret = await a.page.locator('#id-secret').textContent();
  const sign = (id) => crypto.createHmac('sha256', secret).update(id).digest('hex');

  const laptop = await signedVisitor(browser, 'customer-e2e-1', sign('customer-e2e-1'));
  await laptop.open();
  await laptop.send('Signed in: where is order 1042?');
  const id = await laptop.conversationId();
  const e = await expert(browser);
  await e.open(id);
  await e.send('Order 1042 ships tomorrow.');
  await expect(laptop.messages.filter({ hasText: 'ships tomorrow' })).toBeVisible();

  const phone = await signedVisitor(browser, 'customer-e2e-1', sign('customer-e2e-1'));
  await phone.open();
  await expect(phone.messages.filter({ hasText: 'where is order 1042' })).toBeVisible();
  await expect(phone.messages.filter({ hasText: 'ships tomorrow' })).toBeVisible();
  expect(await phone.conversationId()).toBe(id);
  await phone.send('Thanks, from my phone');
  await expect(laptop.messages.filter({ hasText: 'from my phone' })).toBeVisible();

  const forger = await signedVisitor(browser, 'customer-e2e-1', sign('customer-e2e-2'));
  await forger.open();
  await expect.poll(() => forger.page.evaluate(() => localStorage.getItem('ebb:demo:token'))).not.toBeNull();
  await expect(forger.messages).toHaveCount(0);
  await expect(forger.page.locator('#ebb-widget .old .msg')).toHaveCount(0);
  expect(await forger.conversationId()).toBeNull();
  await forger.send('Am I someone else?');
  expect(await forger.conversationId()).not.toBe(id);
  await expect(laptop.messages.filter({ hasText: 'someone else' })).toHaveCount(0);

  for (const p of [laptop, phone, forger, e, a]) p.console.check();
  await closeViaApi(request, await e.token(), id);
  await closeViaApi(request, await e.token(), await forger.conversationId());
  for (const p of [laptop, phone, forger, e, a]) await p.context.close();
});
