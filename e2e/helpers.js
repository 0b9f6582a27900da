// Shared steps for the scenario tests: a visitor tab on the demo shop, an expert tab on the
// panel, the test clock, screenshots, and a guard that fails a test on console errors.
const fs = require('node:fs');
const path = require('node:path');
const { expect } = require('@playwright/test');

const ARTIFACTS = path.join(__dirname, 'artifacts');
const PASSWORD = 'ebb-demo';

/** Fails the test later if the page logs an error or throws. */
function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    errors,
    /** Expects no errors besides those matching `allowed` (e.g. expected 4xx answers). */
    check(allowed = []) {
      const left = errors.filter((t) => !allowed.some((re) => re.test(t)));
      expect(left, 'console errors').toEqual([]);
    },
  };
}

/** Saves a screenshot as e2e/artifacts/<name>.png. */
async function shot(page, name, options = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), ...options });
}

/**
 * A visitor on the demo shop with the widget; `open()` opens the widget. `setup(context)`
 * runs before the shop loads (e.g. routes).
 */
async function visitor(browser, options = {}, setup = null) {
  const context = await browser.newContext(options);
  if (setup) await setup(context);
  const page = await context.newPage();
  const console = watchConsole(page);
  await page.goto('/demo/');
  const w = page.locator('#ebb-widget');
  const api = {
    context, page, console,
    launcher: w.locator('.launcher'),
    badge: w.locator('.launcher .badge'),
    log: w.locator('.log'),
    messages: w.locator('.log .msg'),
    input: w.locator('textarea#ebb-input'),
    typing: w.locator('.typing'),
    survey: w.locator('form.survey'),
    async open() {
      await expect(api.launcher).toBeVisible();
      if ((await api.launcher.getAttribute('aria-expanded')) !== 'true') await api.launcher.click();
      await expect(api.input).toBeFocused();
    },
    async send(text) {
      await api.input.fill(text);
      await api.input.press('Enter');
      // Wait until the server stored it (the pending copy is replaced by the real entry).
      await expect(w.locator('.log .msg:not(.pending)').filter({ hasText: text }).first()).toBeVisible();
    },
    /** The id of the visitor's current conversation (kept by the widget). */
    conversationId() {
      return page.evaluate(() => localStorage.getItem('ebb:demo:conv'));
    },
  };
  return api;
}

/** The admin console, logged in as the demo admin; `tab(name)` opens a section. */
async function admin(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const console = watchConsole(page);
  await page.goto('/admin/?brand=demo');
  const login = page.locator('#login');
  await login.getByLabel('E-mail').fill('admin@demo.ebb');
  await login.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('#brand-name')).toHaveText('Demo Outdoor Co.');
  const tabs = page.getByRole('navigation', { name: 'Sections' });
  return {
    context, page, console,
    token: () => page.evaluate(() => localStorage.getItem('ebb:admin:token')),
    tab: (name) => tabs.getByRole('button', { name, exact: true }).click(),
  };
}

/**
 * An expert logged into the panel; `setup(page)` runs before the panel loads (e.g. routes),
 * `contextOptions` go to the browser context.
 */
async function expert(browser, email = 'ada@demo.ebb', { setup, contextOptions = {} } = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const console = watchConsole(page);
  if (setup) await setup(page);
  await page.goto('/panel/?brand=demo');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('#app')).toBeVisible();
  const api = {
    context, page, console,
    token: () => page.evaluate(() => localStorage.getItem('ebb:panel:token')),
    item: (id) => page.locator(`.conv-item[data-id="${id}"]`),
    timeline: page.locator('#timeline'),
    reply: page.getByLabel('Reply', { exact: true }),
    async open(id) {
      await expect(api.item(id)).toBeVisible({ timeout: 15_000 });
      await api.item(id).click();
      await expect(page.locator('#conv-view')).toBeVisible();
    },
    async send(text) {
      await api.reply.fill(text);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await expect(api.timeline.locator('.msg.expert', { hasText: text }).first()).toBeVisible();
    },
  };
  return api;
}

/** Moves the server's test clock forward (needs `ebb serve --test-clock`). */
async function advanceClock(request, seconds) {
  const res = await request.post('/api/v1/test/clock/advance', { data: { seconds } });
  expect(res.ok(), `advance clock: ${res.status()}`).toBeTruthy();
}

/** Closes a conversation over the API so the expert's slot is free for the next test. */
async function closeViaApi(request, token, id) {
  if (!id) return;
  await request.post(`/api/v1/expert/conversations/${id}/close`, {
    headers: { authorization: `Bearer ${token}` }, data: {},
  }).catch(() => {});
}

const AXE_SOURCE = path.join(__dirname, '..', 'node_modules', 'axe-core', 'axe.min.js');
const AXE_FAILING = ['serious', 'critical'];
/**
 * Context options for pages that `checkA11y` checks: Ebb's pages forbid inline scripts and
 * styles, which would block the injected axe-core script and the styles it adds.
 */
const A11Y_CONTEXT = { bypassCSP: true };

/**
 * Runs axe-core on the page as it is now (shadow roots included) and fails the test, softly
 * so that every checked state is reported, on any violation of serious or critical impact.
 * The page must come from a context made with `A11Y_CONTEXT`. Returns the failing rules,
 * each with its impact, help text and the selectors of the offending elements.
 */
async function checkA11y(page, state) {
  // Colours are measured as painted: let opening animations (fades) end first.
  await page.evaluate(() => {
    const roots = [document, ...[...document.querySelectorAll('*')].map((e) => e.shadowRoot).filter(Boolean)];
    return Promise.all(roots.flatMap((r) => r.getAnimations())
      .filter((a) => a.effect && Number.isFinite(a.effect.getComputedTiming().endTime))
      .map((a) => a.finished.catch(() => {})));
  });
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: fs.readFileSync(AXE_SOURCE, 'utf8') });
  }
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const failing = violations.filter((v) => AXE_FAILING.includes(v.impact)).map((v) =>
    `${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]\n${v.nodes.map((n) => `    ${n.target.join(' >> ')}`).join('\n')}`);
  expect.soft(failing, `axe: serious or critical violations on ${state}`).toEqual([]);
  return failing;
}

module.exports = { watchConsole, shot, visitor, expert, admin, advanceClock, closeViaApi, checkA11y, A11Y_CONTEXT, ARTIFACTS };
