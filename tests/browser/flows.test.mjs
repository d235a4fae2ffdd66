// A person's whole way through doorstep in headless Chromium, in English and in German:
// sign up (wrong, then right), confirm from the mail, sign in, change the password on the
// account page (wrong current password, then right) and sign out, reset the password
// from the mail, and the pages of a wrong address and of dead links. Every page is checked
// by `Audit` in light and dark mode, with its errors shown where a flow makes some.
//
// The steps find things by what stays put while the pages change: form field names, routes,
// HTTP statuses and `<html lang>`, never the wording.

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

import { Audit } from './audit.mjs';
import { mailedLink, startDoorstep, users } from './server.mjs';

const inRepository = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const binary = process.env.DOORSTEP_BINARY ?? inRepository('target/debug/doorstep');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = process.env.DOORSTEP_BROWSER_ARTIFACTS ?? inRepository('target/browser');

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase';

const LANGUAGES = [
  { language: 'en', locale: 'en-GB', first: 'Ada', last: 'Lovelace' },
  { language: 'de', locale: 'de-DE', first: 'Jürgen', last: 'Größ' },
];

let browser;
let server;
// A second server whose links expire after a second, for the expired-link pages.
let shortLived;

before(async () => {
  await rm(artifacts, { recursive: true, force: true });
  // One at a time, so that `after` stops whatever started when a later one fails.
  browser = await chromium.launch({ executablePath });
  server = await startDoorstep(binary);
  shortLived = await startDoorstep(binary, {
    'doorstep.auth.signup.confirm.ttl': '1s',
    'doorstep.auth.password-reset.ttl': '1s',
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await shortLived?.stop();
  console.log(`screenshots and the axe report (every impact): ${artifacts}`);
});

// Clicks the submit button of the form holding a field named `field` and waits for the page
// that comes back (after redirects; the proof-of-work script may hold the form a moment).
async function submit(page, field) {
  const form = page.locator(`form:has([name="${field}"])`).first();
  const [response] = await Promise.all([
    page.waitForNavigation(),
    form.locator('button:not([type]), [type=submit]').first().click(),
  ]);
  return response;
}

function path(page) {
  return new URL(page.url()).pathname;
}

for (const { language, locale, first, last } of LANGUAGES) {
  describe(`in ${language}`, () => {
    const email = `person.${language}@example.org`;
    let context;
    let page;
    let audit;

    before(async () => {
      context = await browser.newContext({ locale, colorScheme: 'light' });
      context.setDefaultTimeout(20000);
      page = await context.newPage();
      audit = new Audit({ artifacts, language });
    });

    after(async () => {
      await context?.close();
    });

    it('signs up: refused with errors shown, then sent', async () => {
      const opened = await page.goto(`${server.base}/auth/signup`);
      assert.equal(opened.status(), 200);
      await audit.check(page, 'signup');

      await page.fill('[name=firstname]', first);
      await page.fill('[name=lastname]', last);
      await page.fill('[name=email]', 'not-an-address');
      await page.fill('[name=password]', 'short');
      // The fields' form is checked before the password's strength: the address is named.
      const refused = await submit(page, 'password');
      assert.equal(refused.status(), 400, 'a bad address is refused');
      assert.equal(await page.inputValue('[name=email]'), 'not-an-address', 'refilled');
      assert.equal(await page.inputValue('[name=firstname]'), first, 'refilled');
      await audit.check(page, 'signup-refused');
      await audit.describedErrors(page, 'signup-refused', ['email']);

      await page.fill('[name=email]', email);
      await page.fill('[name=password]', 'short');
      const weak = await submit(page, 'password');
      assert.equal(weak.status(), 400, 'a short password is refused');
      assert.equal(await page.inputValue('[name=email]'), email, 'refilled');
      await audit.check(page, 'signup-weak-password');
      await audit.describedErrors(page, 'signup-weak-password', ['password']);

      await page.fill('[name=password]', PASSWORD);
      const sent = await submit(page, 'password');
      assert.equal(sent.status(), 200);
      assert.equal(await page.locator('[name=password]').count(), 0, 'the "check your mail" page');
      await audit.check(page, 'signup-sent');
      audit.assertClean('sign-up');
    });

    it('confirms from the mailed link', async () => {
      const link = await mailedLink(server, email, linkTo(server, '/auth/signup'));
      const opened = await page.goto(link);
      assert.equal(opened.status(), 200, 'opening the link shows the confirm page');
      await audit.check(page, 'confirm');

      const confirmed = await submit(page, 'token');
      assert.equal(confirmed.status(), 200);
      assert.equal(await page.locator('[name=token]').count(), 0, 'the account exists');
      await audit.check(page, 'confirmed');
      audit.assertClean('confirmation');
    });

    it('signs in (wrong password, then right) and out', async () => {
      const opened = await page.goto(`${server.base}/auth/login`);
      assert.equal(opened.status(), 200);
      await audit.check(page, 'login');

      await page.fill('[name=email]', email);
      await page.fill('[name=password]', 'not my password');
      const refused = await submit(page, 'password');
      assert.equal(refused.status(), 401);
      await audit.check(page, 'login-refused');

      // Signed in elsewhere too, so the account page lists a session with its end button.
      const elsewhere = await fetch(`${server.base}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'curl/8.14.1' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      assert.equal(elsewhere.status, 200, 'signed in with JSON');

      await page.fill('[name=password]', PASSWORD);
      const signedIn = await submit(page, 'password');
      assert.equal(signedIn.status(), 200);
      assert.equal(path(page), '/auth/me', 'on to the account page');
      assert.match(await page.content(), new RegExp(email.replace(/\./g, '\\.')));
      await audit.check(page, 'account');

      // The change-password form: a wrong current password is shown beside its field, then
      // the right one changes it (and back, so the later steps sign in as before).
      const change = 'form[action$="/auth/me/password"]';
      await page.fill(`${change} [name=current_password]`, 'not my password');
      await page.fill(`${change} [name=password]`, NEW_PASSWORD);
      const [wrong] = await Promise.all([
        page.waitForNavigation(),
        page.locator(`${change} button[type=submit]`).click(),
      ]);
      assert.equal(wrong.status(), 400, 'a wrong current password is refused');
      await audit.check(page, 'account-password-refused');
      await audit.describedErrors(page, 'account-password-refused', ['current_password'], change);
      for (const [now, next] of [[PASSWORD, NEW_PASSWORD], [NEW_PASSWORD, PASSWORD]]) {
        await page.fill(`${change} [name=current_password]`, now);
        await page.fill(`${change} [name=password]`, next);
        const [changed] = await Promise.all([
          page.waitForNavigation(),
          page.locator(`${change} button[type=submit]`).click(),
        ]);
        assert.equal(changed.status(), 200, 'the right password changes it');
        assert.equal(path(page), '/auth/me', 'back on the account page');
      }
      await audit.check(page, 'account-password-changed');

      const out = page.locator('form[action$="/auth/logout"]').first();
      await Promise.all([page.waitForNavigation(), out.locator('button').first().click()]);
      assert.equal(path(page), '/auth/login', 'signed out, back to sign-in');
      const account = await page.goto(`${server.base}/auth/me`);
      assert.equal(account.status(), 401, 'the session is gone');
      await audit.check(page, 'signed-out');
      audit.assertClean('sign-in');
    });

    it('resets the password from the mailed link and signs in with the new one', async () => {
      const opened = await page.goto(`${server.base}/auth/pwreset`);
      assert.equal(opened.status(), 200);
      await audit.check(page, 'reset');

      await page.fill('[name=email]', 'nope');
      const refused = await submit(page, 'email');
      assert.equal(refused.status(), 400);
      await audit.check(page, 'reset-refused');
      await audit.describedErrors(page, 'reset-refused', ['email']);

      await page.fill('[name=email]', email);
      const sent = await submit(page, 'email');
      assert.equal(sent.status(), 200);
      await audit.check(page, 'reset-sent');

      const link = await mailedLink(server, email, linkTo(server, '/auth/pwreset'));
      const choose = await page.goto(link);
      assert.equal(choose.status(), 200);
      await audit.check(page, 'reset-choose');

      await page.fill('[name=password]', 'short');
      const weak = await submit(page, 'password');
      assert.equal(weak.status(), 400, 'a short password is refused, the link stays usable');
      await audit.check(page, 'reset-choose-refused');
      await audit.describedErrors(page, 'reset-choose-refused', ['password']);

      await page.fill('[name=password]', NEW_PASSWORD);
      const done = await submit(page, 'password');
      assert.equal(done.status(), 200);
      assert.equal(await page.locator('[name=token]').count(), 0, 'the password is changed');
      await audit.check(page, 'reset-done');

      await page.goto(`${server.base}/auth/login`);
      await page.fill('[name=email]', email);
      await page.fill('[name=password]', NEW_PASSWORD);
      const signedIn = await submit(page, 'password');
      assert.equal(signedIn.status(), 200);
      assert.equal(path(page), '/auth/me', 'the new password signs in');
      audit.assertClean('password reset');
    });

    it('shows a missing page and dead links', async () => {
      const missing = await page.goto(`${server.base}/no/such/page`);
      assert.equal(missing.status(), 404);
      await audit.check(page, 'not-found');

      await openDeadLink(page, `${server.base}/auth/signup?confirm=bogus`, 400);
      await audit.check(page, 'signup-link-bogus');
      await openDeadLink(page, `${server.base}/auth/pwreset?confirm=bogus`, 400);
      await audit.check(page, 'reset-link-bogus');

      // A sign-up on the server whose links live a second, and an account made there whose
      // set-a-password link (a reset link) lives as long.
      const late = `late.${language}@example.org`;
      await page.goto(`${shortLived.base}/auth/signup`);
      await page.fill('[name=firstname]', first);
      await page.fill('[name=lastname]', last);
      await page.fill('[name=email]', late);
      await page.fill('[name=password]', PASSWORD);
      assert.equal((await submit(page, 'password')).status(), 200);
      const made = await users(shortLived, ['create', `made.${language}@example.org`]);
      const resetLink = made.match(linkTo(shortLived, '/auth/pwreset'))?.[0];
      assert.ok(resetLink, `doorstep users create printed a link: ${made}`);
      const signupLink = await mailedLink(shortLived, late, linkTo(shortLived, '/auth/signup'));
      await sleep(2000);

      await openDeadLink(page, signupLink, 410);
      await audit.check(page, 'signup-link-expired');
      await openDeadLink(page, resetLink, 410);
      await audit.check(page, 'reset-link-expired');
      audit.assertClean('missing page and dead links');
    });
  });
}

// The link of a mail (or of `doorstep users create`) to `route` on `on`.
function linkTo(on, route) {
  const base = on.base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The token up to where it ends, so a letter caught half-written is not read as a link.
  return new RegExp(`${base}${route}\\?confirm=[A-Za-z0-9_%-]+(?=[^A-Za-z0-9_%-])`);
}

// Opens a link that no longer works, and presses its page's button where opening alone
// changes nothing (a confirm page): either way the page that says so, with `status`.
async function openDeadLink(page, link, status) {
  const opened = await page.goto(link);
  if (opened.status() === 200 && (await page.locator('form:has([name=token])').count()) > 0) {
    const pressed = await submit(page, 'token');
    assert.equal(pressed.status(), status, `pressing the button of ${link}`);
  } else {
    assert.equal(opened.status(), status, `opening ${link}`);
  }
}
