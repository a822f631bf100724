// Browser tests: Debian's chromium (no browser download) driven by playwright-core through the
// real pages: the example integrator app, the simulator's consent page, the gateway's error,
// diagnostics and wrong-host pages. A screenshot of every step goes to BROWSER_SCREENS_DIR.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack, stopStack } from './stack.mjs';

const SCREENS = process.env.BROWSER_SCREENS_DIR || path.join(process.cwd(), 'browser-screens');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>';

let stack;
let browser;

before(async () => {
  fs.mkdirSync(SCREENS, { recursive: true });
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright-core gives every launch a fresh, temporary --user-data-dir of its own.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (stack) stopStack(stack);
});

// A fresh browser context (its own cookies) whose page fails the test on any dialog, script
// error or console error (an injected script that ran, or one the CSP had to block).
async function openPage(t) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // The one expected console error: the browser noting a page's own 4xx status.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4/.test(m.text())) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  t.after(async () => { await context.close(); });
  let step = 0;
  const name = t.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  page.shot = async (what) => {
    step += 1;
    await page.screenshot({ path: path.join(SCREENS, `${name}-${step}-${what}.png`), fullPage: true });
  };
  page.problems = problems;
  return page;
}

function noProblems(page) {
  assert.deepEqual(page.problems, [], 'no dialog, script error or console error on any page');
}

// Example app → Connect → the simulator's consent page → the decision; ends back at the app.
async function connect(page, slug, params = {}, decision = 'approve', loginAs = '') {
  await page.goto(`${stack.app}/`);
  const row = page.locator(`#provider-${slug}`);
  for (const [name, value] of Object.entries(params)) await row.locator(`input[name="${name}"]`).fill(value);
  await page.shot('app');
  await Promise.all([page.waitForURL((u) => u.href.startsWith(stack.sim)), row.locator('button').click()]);
  assert.match(await page.title(), /simulator/);
  assert.match(await page.locator('header.bar').innerText(), /simulator/);
  assert.equal(await page.locator('code.redirect-uri').innerText(), `${stack.gw}/link/oauth2/callback/${slug}`);
  if (loginAs) await page.locator('input[name="login_as"]').fill(loginAs);
  await page.shot('consent');
  await Promise.all([page.waitForURL((u) => u.href.startsWith(`${stack.app}/callback/${slug}`)),
    page.locator(`button[name="decision"][value="${decision}"]`).click()]);
  await page.shot('back-in-app');
}

async function expectConnected(page, slug) {
  await page.locator('#connected').waitFor();
  assert.match(await page.locator('#connected').innerText(), new RegExp(slug));
  const credential = await page.locator('dl.credential').innerText();
  assert.match(credential, /\*{10}/, 'the credential is shown masked');
  const name = await page.locator('.identity-name').innerText();
  assert.ok(name.length > 0, 'the identity from api/me is shown');
  assert.match(await page.locator('#identity pre').innerText(), /alice|1001|@/i);
  noProblems(page);
}

test('generic: connect, approve, connected with identity', async (t) => {
  const page = await openPage(t);
  await connect(page, 'generic');
  await expectConnected(page, 'generic');
});

test('zendesk: a connection parameter, approve, connected', async (t) => {
  const page = await openPage(t);
  await connect(page, 'zendesk', { subdomain: 'acme' });
  await expectConnected(page, 'zendesk');
  assert.match(await page.locator('dl.account').innerText(), /subdomain\s+acme/);
});

test('shopify: a signed callback with the shop, connected', async (t) => {
  const page = await openPage(t);
  await connect(page, 'shopify', { shop: 'acme-store' });
  await expectConnected(page, 'shopify');
  assert.match(await page.locator('dl.account').innerText(), /acme-store/);
});

test('google: an OpenID Connect provider, connected', async (t) => {
  const page = await openPage(t);
  await connect(page, 'google');
  await expectConnected(page, 'google');
  assert.match(await page.locator('dl.credential').innerText(), /openid/);
});

test('sign in as any user: a typed email is a new identity, the same every time', async (t) => {
  const page = await openPage(t);
  await connect(page, 'generic', {}, 'approve', 'zoe@corp.example');
  await page.locator('#connected').waitFor();
  const first = await page.locator('#identity pre').innerText();
  assert.match(first, /zoe@corp\.example/);
  assert.doesNotMatch(first, /alice/);
  await connect(page, 'generic', {}, 'approve', 'zoe@corp.example');
  assert.equal(await page.locator('#identity pre').innerText(), first);
  noProblems(page);
});

test('deny: the app shows the denial', async (t) => {
  const page = await openPage(t);
  await connect(page, 'generic', {}, 'deny');
  assert.equal(await page.locator('#flow-error .error').innerText(), 'access_denied');
  noProblems(page);
});

test('provider fault at the token endpoint: the app shows server_error and why', async (t) => {
  await stack.fault({ provider: 'generic', endpoint: 'token', kind: 'status', status: 503, count: 1 });
  const page = await openPage(t);
  await connect(page, 'generic');
  assert.equal(await page.locator('#flow-error .error').innerText(), 'server_error');
  assert.match(await page.locator('#flow-error .description').innerText(), /token endpoint|HTTP 503|503/);
  noProblems(page);
});

function startUrl(host, extra) {
  const q = new URLSearchParams({ client_id: stack.apps.generic, redirect_uri: `http://evil.example/${XSS}`,
    state: XSS, scope: XSS, ...extra });
  return `${host}/link/oauth2/start?${q}`;
}

test('bad redirect_uri: the error page renders and no injected script runs', async (t) => {
  const page = await openPage(t);
  const r = await page.goto(startUrl(stack.gw, {}));
  assert.equal(r.status(), 400);
  assert.equal(r.headers()['location'], undefined);
  assert.match(r.headers()['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(r.headers()['referrer-policy'], 'no-referrer');
  assert.match(await page.locator('h1').innerText(), /cannot continue/);
  assert.match(await page.locator('.notice.bad').innerText(), /redirect_uri/);
  await page.shot('error-page');
  assert.equal(await page.locator('main script, main img').count(), 0);
  noProblems(page);
});

test('bad redirect_uri with debug=true: diagnostics list the registered URIs, nothing runs', async (t) => {
  const page = await openPage(t);
  const r = await page.goto(startUrl(stack.gw, { debug: 'true', [XSS]: XSS }));
  assert.equal(r.status(), 400);
  assert.match(await page.locator('h1').innerText(), /diagnostics/);
  assert.deepEqual(await page.locator('ul.registered li').allInnerTexts(), ['http://127.0.0.1/callback/generic']);
  assert.match(await page.locator('main').innerText(), /evil\.example/);  // the echoed URI, as text
  await page.shot('diagnostics');
  assert.equal(await page.locator('main script, main img').count(), 0);
  noProblems(page);
});

test('debug=true after the redirect URI is valid: the continue link carries the state, escaped', async (t) => {
  const page = await openPage(t);
  const r = await page.goto(startUrl(stack.gw, { redirect_uri: `${stack.app}/callback/generic`, debug: 'true',
    code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }));
  assert.equal(r.status(), 200);
  assert.match(await page.locator('.notice.bad').innerText(), /S256/);
  const href = await page.locator('a.button').getAttribute('href');
  assert.equal(new URL(href).searchParams.get('state'), XSS);
  await page.shot('diagnostics-continue');
  assert.equal(await page.locator('main script, main img').count(), 0);
  noProblems(page);
});

test('localhost instead of 127.0.0.1: a page explains it and links to the right host', async (t) => {
  const page = await openPage(t);
  const wrong = stack.gw.replace('127.0.0.1', 'localhost');
  const target = `/link/oauth2/start?client_id=${stack.apps.generic}` +
    `&redirect_uri=${encodeURIComponent(`${stack.app}/callback/generic`)}&state=s`;
  const r = await page.goto(wrong + target);
  assert.equal(r.status(), 400);
  const text = await page.locator('main').innerText();
  assert.match(text, /localhost/);
  assert.match(text, new RegExp(stack.gw.replace('http://', '').replace(/\./g, '\\.')));
  assert.match(await page.locator('h1').innerText(), /Open this link at/);  // not a cookie error
  await page.shot('wrong-host');
  // The link goes on at the public URL: the flow starts there (the consent page).
  await Promise.all([page.waitForURL((u) => u.href.startsWith(stack.sim)), page.locator('#right-url').click()]);
  assert.match(await page.title(), /simulator/);
  await page.shot('consent-at-right-host');
  noProblems(page);
});
