import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, newGitHubToken, startFakeGitHub } from '../../server/test/fakes/github.ts';
import { expectNoSeriousA11yViolations } from './support/a11y.ts';
import { CHROMIUM_PATH, hasChromium, launchChromium } from './support/browser.ts';
import {
  apiAs,
  DESKTOP,
  expectFocusKept,
  openContext,
  PASSWORD,
  PHONE,
  signUpThroughUi,
  withBearer,
} from './support/journey.ts';
import { type RunningServer, repoRoot, startServer } from './support/server.ts';

// Kept by CI as artifacts: every screenshot of a run, at both widths and in both languages.
const SCREENSHOTS = path.join(repoRoot, 'apps/web/e2e/artifacts/screenshots');
const PAT_PATTERN = /^tes_pat_[0-9A-Za-z]{46}$/;

if (!hasChromium) {
  console.warn(
    `\n[web e2e] Skipped: no Chromium at ${CHROMIUM_PATH}. Install it with \`apt-get install chromium\` ` +
      '(or set CHROMIUM_PATH), then run `npm run test:e2e` again.\n',
  );
}

describe.skipIf(!hasChromium)('web UI journeys (real server, embedded store, Chromium)', () => {
  let server: RunningServer;
  let github: FakeGitHub;
  let browser: Browser;

  beforeAll(async () => {
    github = await startFakeGitHub();
    server = await startServer({
      GITHUB_API_URL: github.url,
      RATE_LIMIT_SIGN_IN_PER_MINUTE: '1000',
      TOKEN_LAST_USED_FLUSH_MS: '100',
      // Every use written at the next flush: the journeys read usage right after making it (ADR 0041).
      TOKEN_LAST_USED_SETTLE_MS: '0',
    });
    browser = await launchChromium();
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  /** The page as it is now, at desktop and phone widths (kept as CI artifacts). */
  async function screenshotBoth(page: Page, name: string) {
    const language = await page.evaluate(() => document.documentElement.lang);
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${language}-${label}.png`) });
    }
    await page.setViewportSize(DESKTOP);
  }

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await github?.close();
  });

  /** Adds a GitHub account through the settings screen; the fake knows the token when `valid`. */
  async function addGitHubAccount(page: Page, name: string, token: string) {
    await page.goto(`${server.url}/settings/providers`);
    await page.getByRole('heading', { level: 1, name: 'Provider accounts' }).waitFor();
    await page.getByRole('button', { name: 'Add provider account' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add provider account' });
    await dialog.getByRole('radio', { name: 'GitHub' }).check();
    await expect.poll(() => dialog.getByText('Metadata: read').count()).toBeGreaterThan(0);
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Token', { exact: true }).fill(token);
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('row', { name: new RegExp(name) }).waitFor();
  }

  it('1: sign up, generate a PAT, see the secret once, use it, revoke it, and it is refused', async () => {
    const { context, page, problems } = await openContext(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const email = await signUpThroughUi(page, server.url, 'journey1');

    // Empty state first, then the form.
    await page.getByText('No personal access tokens yet').waitFor();
    await page.getByRole('link', { name: 'Generate new token' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Generate new token' }).waitFor();

    // Validation happens before any request: no name, no scope.
    await page.getByRole('button', { name: 'Generate token' }).click();
    await page.getByText('This field is required.').waitFor();
    await page.getByText('Choose at least one scope.').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');

    await page.getByLabel('Name', { exact: true }).fill('e2e laptop');
    await page.getByLabel('Description').fill('Used by the browser test');
    await page.getByLabel('Expiration', { exact: true }).selectOption('7');
    await page.getByText(/The token will expire on/).waitFor();
    await page
      .getByRole('radiogroup', { name: 'Profile' })
      .getByRole('radio', { name: 'Read', exact: true })
      .check();
    await page
      .getByRole('radiogroup', { name: 'Agents' })
      .getByRole('radio', { name: 'Read and write', exact: true })
      .check();
    await page.getByRole('button', { name: 'Generate token' }).click();

    // The secret, once, with a plain warning and a working copy button.
    const secretBox = page.getByTestId('token-secret');
    await secretBox.waitFor();
    const secret = (await secretBox.textContent())?.trim() ?? '';
    expect(secret).toMatch(PAT_PATTERN);
    await page.getByText('This is the only time the token is shown.').waitFor();
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await page.evaluate(() => navigator.clipboard.writeText(''));

    // Never in storage, the address or history.
    const kept = await page.evaluate(() =>
      JSON.stringify({
        local: { ...localStorage },
        session: { ...sessionStorage },
        href: location.href,
        state: history.state,
      }),
    );
    expect(kept).not.toContain(secret);
    expect(kept).not.toContain(secret.slice(8, 30));

    // It works as a bearer token, within its scopes…
    const self = await withBearer(server.url, secret, '/api/tokens/self');
    expect(self.status).toBe(200);
    const selfBody = (await self.json()) as { name: string; scopes: string[]; status: string };
    expect(selfBody).toMatchObject({ name: 'e2e laptop', status: 'active' });
    expect(selfBody.scopes.sort()).toEqual(['agents:write', 'profile:read']);
    expect((await withBearer(server.url, secret, '/api/me')).status).toBe(200);
    expect((await withBearer(server.url, secret, '/api/repos')).status).toBe(403);
    // …and can never manage tokens.
    expect((await withBearer(server.url, secret, '/api/account/tokens')).status).toBe(401);

    // Leaving the reveal by another way asks first; staying keeps the secret on screen.
    await page.getByRole('link', { name: 'Security log' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without the token?' });
    await leave.waitFor();
    await screenshotBoth(page, '1-reveal-leave');
    await leave.getByRole('button', { name: 'Stay and copy it' }).click();
    await leave.waitFor({ state: 'hidden' });
    await secretBox.waitFor();

    // Leaving the reveal drops the secret from the page; the list shows only the preview.
    await page.getByRole('button', { name: 'Done, back to tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personal access tokens' }).waitFor();
    await page.getByText('Generated “e2e laptop”.').waitFor();
    const row = page.getByRole('row', { name: /e2e laptop/ });
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    await expect.poll(() => row.textContent()).toContain(secret.slice(0, 12));
    await expect.poll(() => row.textContent()).toContain('in 7 days');
    await expect.poll(() => row.textContent()).toContain('Active');
    // Expiry within 7 days: a badge and the exact date in the row, and a notice under the header.
    await expect.poll(() => row.textContent()).toContain('Expires soon');
    const expiresOn = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(
      new Date(Date.now() + 7 * 24 * 3600 * 1000),
    );
    await expect.poll(() => row.textContent()).toContain(expiresOn);
    await page.getByText('“e2e laptop” expires in 7 days').first().waitFor();
    await screenshotBoth(page, '1-tokens-expiring');
    await expectNoSeriousA11yViolations(page, 'tokens');

    // Revoke, with confirmation; keyboard focus goes into the dialog and back out of it.
    const menuButton = page.getByRole('button', { name: 'Actions for e2e laptop' });
    await menuButton.click();
    await page.getByRole('menuitem', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “e2e laptop”?' });
    await dialog.waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('dialog') !== null))
      .toBe(true);
    // Tab and Shift+Tab cycle inside the dialog, never out to the page or the browser.
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Actions for e2e laptop');
    expect((await withBearer(server.url, secret, '/api/tokens/self')).status).toBe(200);

    await menuButton.click();
    await page.getByRole('menuitem', { name: 'Revoke' }).click();
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Token “e2e laptop” was revoked.').waitFor();
    // The row moved to the Inactive section, so its menu button is gone: focus is not lost.
    await expectFocusKept(page);
    await expect.poll(() => row.textContent()).toContain('Revoked');
    // Revoked tokens move to the Inactive section; the filter finds them.
    await page.getByRole('heading', { level: 2, name: 'Inactive tokens' }).waitFor();
    await page.getByLabel('Show', { exact: true }).selectOption('active');
    await page.getByText('No tokens match this filter.').waitFor();
    await page.getByLabel('Show', { exact: true }).selectOption('revoked');
    await page.getByRole('row', { name: /e2e laptop/ }).waitFor();

    const refused = await withBearer(server.url, secret, '/api/tokens/self');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('invalid_token');

    // The security log tells the story.
    await page.getByRole('link', { name: 'Security log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Security log' }).waitFor();
    const log = page.getByRole('table', { name: 'Security events' });
    await log.getByText('Personal access token created').waitFor();
    await log.getByText('Personal access token revoked').waitFor();
    await log.getByText('On: e2e laptop').first().waitFor();
    // Filter by action, then by token; export what the filter shows.
    await page.getByLabel('Event', { exact: true }).selectOption('token.revoked');
    await expect.poll(() => log.getByText('Personal access token created').count()).toBe(0);
    await page.getByLabel('Token', { exact: true }).selectOption({ label: 'e2e laptop' });
    await log.getByText('Personal access token revoked').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvPath = path.join(SCREENSHOTS, 'security-log-export.csv');
    await download.saveAs(csvPath);
    const csv = readFileSync(csvPath, 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain('token.revoked,Personal access token revoked,success,personal_access_token');
    await screenshotBoth(page, '1-security-log-filtered');
    await expectNoSeriousA11yViolations(page, 'security log');

    // Sign out; coming back to a signed-in page goes through /login?next= and returns there.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    // Sign-up says a long but common password is too common, not too short.
    await page.goto(`${server.url}/signup`);
    await page.getByLabel('E-mail address').fill(`common-${Date.now()}@example.test`);
    await page.getByLabel('Password').fill('passwordpassword');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This password is too common and easy to guess. Choose another.').waitFor();
    await page.goto(`${server.url}/settings/security-log`);
    await expect.poll(() => page.url()).toContain('/login?next=%2Fsettings%2Fsecurity-log');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The e-mail address or password is not correct.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Security log' }).waitFor();

    // `next` never leaves the site.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.goto(`${server.url}/login?next=${encodeURIComponent('//evil.example/steal')}`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personal access tokens' }).waitFor();
    expect(new URL(page.url()).origin).toBe(server.url);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('1b: rename a PAT, reduce its scopes, regenerate it (the old secret dies), then revoke all', async () => {
    const { context, page, problems } = await openContext(browser);
    const email = await signUpThroughUi(page, server.url, 'journey1b');
    const created = await apiAs<{ token: { id: string }; secret: string }>(
      context,
      server.url,
      'POST',
      '/api/account/tokens',
      { name: 'deploy', scopes: ['repos:write', 'agents:read'], expires_in_days: 60 },
    );
    const oldSecret = created.body.secret;
    await page.reload();
    await page.getByRole('row', { name: /deploy/ }).waitFor();

    // Rename and shrink repos:write to repos:read; widening is not even offered.
    await page.getByRole('button', { name: 'Actions for deploy' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “deploy”' });
    expect(
      await edit
        .getByRole('radiogroup', { name: 'Tasks' })
        .getByRole('radio', { name: 'Read', exact: true })
        .isDisabled(),
    ).toBe(true);
    await edit.getByLabel('Name').fill('deploy (read only)');
    await edit
      .getByRole('radiogroup', { name: 'Repositories' })
      .getByRole('radio', { name: 'Read', exact: true })
      .check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    // Removing a scope is confirmed first, naming the token and the scopes it loses.
    const confirmRemoval = edit
      .getByRole('alert')
      .filter({ hasText: 'Reduce the scopes of “deploy (read only)”?' });
    await confirmRemoval.getByText('repos:write').waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.includes('Reduce the scopes')))
      .toBe(true);
    await confirmRemoval.getByRole('button', { name: 'Reduce scopes' }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.getByText('Saved the changes to “deploy (read only)”.').waitFor();
    const row = page.getByRole('row', { name: /deploy \(read only\)/ });
    await expect.poll(() => row.textContent()).toContain('repos:read');
    expect(await row.textContent()).not.toContain('repos:write');
    const self = (await (await withBearer(server.url, oldSecret, '/api/tokens/self')).json()) as {
      scopes: string[];
    };
    expect(self.scopes.sort()).toEqual(['agents:read', 'repos:read']);

    // The ⋯ menu is a WAI-ARIA menu button: ArrowUp opens it on the last item, ArrowDown on the
    // first; the arrows wrap; Escape closes it and gives focus back to the button.
    const menu = page.getByRole('button', { name: 'Actions for deploy (read only)' });
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    await menu.focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(focusedText).toBe('Revoke');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedText).toBe('Edit');
    await page.keyboard.press('ArrowUp');
    await expect.poll(focusedText).toBe('Revoke');
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Actions for deploy (read only)');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedText).toBe('Edit');
    await page.keyboard.press('End');
    await expect.poll(focusedText).toBe('Revoke');
    await page.keyboard.press('ArrowUp');
    await expect.poll(focusedText).toBe('Regenerate');

    // Regenerate: the new expiry is chosen (the original 60 days by default) and its date stated.
    await page.keyboard.press('Enter');
    const rotate = page.getByRole('dialog', { name: 'Regenerate “deploy (read only)”?' });
    const renewedOn = (days: number) =>
      new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(
        new Date(Date.now() + days * 24 * 3600 * 1000),
      );
    const expiry = rotate.getByLabel('Expiration', { exact: true });
    await expect.poll(() => expiry.inputValue()).toBe('60');
    expect(await expiry.locator('option:checked').textContent()).toBe('60 days (as before)');
    await rotate.getByText(`The new token will expire on ${renewedOn(60)}.`).waitFor();
    await expiry.selectOption('7');
    await rotate.getByText(`The new token will expire on ${renewedOn(7)}.`).waitFor();
    await expiry.selectOption('60');
    await rotate.getByRole('button', { name: 'Regenerate token' }).click();
    await rotate.waitFor({ state: 'hidden' });

    // The secret is shown on the same screen as a new token's, with the same way out.
    await page.getByRole('heading', { level: 1, name: 'Copy your regenerated token now' }).waitFor();
    const newSecret = ((await page.getByTestId('token-secret').textContent()) ?? '').trim();
    expect(newSecret).toMatch(PAT_PATTERN);
    expect(newSecret).not.toBe(oldSecret);
    await page.getByText('This is the only time the token is shown.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Copy token' }).waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Copy your regenerated token now');
    expect((await withBearer(server.url, oldSecret, '/api/tokens/self')).status).toBe(401);
    const renewed = (await (await withBearer(server.url, newSecret, '/api/tokens/self')).json()) as {
      expires_at: string;
    };
    expect(Math.abs(Date.parse(renewed.expires_at) - (Date.now() + 60 * 24 * 3600 * 1000))).toBeLessThan(
      120_000,
    );
    // Leaving another way asks first, as after generating.
    await page.getByRole('link', { name: 'Security log' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without the token?' });
    await leave.getByRole('button', { name: 'Stay and copy it' }).click();
    await leave.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Done, back to tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personal access tokens' }).waitFor();
    expect(await page.content()).not.toContain(newSecret);
    // Back at the list: the regenerated row is marked and named, and focus is on the notice.
    await page
      .getByText('Regenerated “deploy (read only)”. Update anything that used the old secret.')
      .waitFor();
    await expect.poll(() => row.getAttribute('class')).toContain('table__row--new');
    await expectFocusKept(page);

    // Revoke all.
    await page.getByRole('button', { name: 'Revoke all' }).click();
    const all = page.getByRole('dialog', { name: 'Revoke all personal access tokens?' });
    await all.getByRole('button', { name: 'Revoke all tokens' }).click();
    await page.getByText('Tokens revoked: 1.').waitFor();
    await expectFocusKept(page);
    await expect.poll(() => row.textContent()).toContain('Revoked');
    expect((await withBearer(server.url, newSecret, '/api/tokens/self')).status).toBe(401);
    expect(await page.getByRole('button', { name: 'Revoke all' }).isDisabled()).toBe(true);

    // The session ends behind the page's back (expired, or revoked elsewhere): the next request
    // learns it, and the app asks to sign in again, coming back here afterwards.
    // Here it happens while a form is filled in: the sign-in page says so, and after signing in
    // the form is back as it was.
    await page.getByRole('link', { name: 'Generate new token' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('after expiry');
    await page.getByLabel('Description').fill('typed before the session ended');
    await page
      .getByRole('radiogroup', { name: 'Profile' })
      .getByRole('radio', { name: 'Read', exact: true })
      .check();
    await context.clearCookies();
    await page.getByRole('button', { name: 'Generate token' }).click();
    await expect.poll(() => page.url()).toContain('/login?next=%2Fsettings%2Ftokens%2Fnew&reason=expired');
    await page.getByText(/Your session expired\. Sign in again to continue/).waitFor();
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Generate new token' }).waitFor();
    await page
      .getByText('Restored what you had entered before your session expired.', { exact: false })
      .waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('after expiry');
    expect(await page.getByLabel('Description').inputValue()).toBe('typed before the session ended');
    expect(
      await page
        .getByRole('radiogroup', { name: 'Profile' })
        .getByRole('radio', { name: 'Read', exact: true })
        .isChecked(),
    ).toBe(true);
    // An ordinary later visit starts empty.
    await page.getByRole('link', { name: 'Personal access tokens' }).first().click();
    await page.getByRole('link', { name: 'Generate new token' }).first().click();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('1c: an expired token is regenerated with a newly chosen expiry, in both languages', async () => {
    const { context, page, problems } = await openContext(browser);
    await signUpThroughUi(page, server.url, 'journey1c');
    const created = await apiAs<{ token: { id: string } }>(
      context,
      server.url,
      'POST',
      '/api/account/tokens',
      {
        name: 'nightly',
        scopes: ['agents:read'],
        expires_in_days: 7,
      },
    );
    // The browser lives 8 days ahead, so the 7-day token has expired on screen. (The server's own
    // answer for an expired token is covered by the tokens integration tests.)
    const DAY = 24 * 3600 * 1000;
    const later = Date.now() + 8 * DAY;
    await page.clock.setFixedTime(new Date(later));
    await page.reload();
    const inactive = page.getByRole('table', { name: 'Inactive tokens' });
    const row = inactive.getByRole('row', { name: /nightly/ });
    await expect.poll(() => row.textContent()).toContain('Expired on');
    // With nothing active, the list says so (not an empty table), in both languages.
    await page.getByText('No active tokens: every token below has expired or been revoked.').waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByText('没有有效的令牌：下面的令牌均已过期或已吊销。').waitFor();
    await page.getByLabel('语言').selectOption('en-US');

    // An expired token can be regenerated (or revoked), not edited.
    await page.getByRole('button', { name: 'Actions for nightly' }).click();
    const items = await page.getByRole('menuitem').allTextContents();
    expect(items).toEqual(['Regenerate', 'Revoke']);
    await page.getByRole('menuitem', { name: 'Regenerate' }).click();
    const rotate = page.getByRole('dialog', { name: 'Regenerate “nightly”?' });
    const on = (days: number) =>
      new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(new Date(later + days * DAY));
    const expiry = rotate.getByLabel('Expiration', { exact: true });
    await expect.poll(() => expiry.inputValue()).toBe('7');
    expect(await expiry.locator('option:checked').textContent()).toBe('7 days (as before)');
    await rotate.getByText(`The new token will expire on ${on(7)}.`).waitFor();
    // A custom date outside the policy is refused at the field, before any request.
    await expiry.selectOption('custom');
    await rotate.getByRole('button', { name: 'Regenerate token' }).click();
    await rotate.getByText(/Choose a date between tomorrow and/).waitFor();
    await expiry.selectOption('30');
    await rotate.getByText(`The new token will expire on ${on(30)}.`).waitFor();
    await screenshotBoth(page, '1c-regenerate-expired');
    await expectNoSeriousA11yViolations(page, 'regenerate dialog');
    await rotate.getByRole('button', { name: 'Regenerate token' }).click();

    await page.getByRole('heading', { level: 1, name: 'Copy your regenerated token now' }).waitFor();
    const secret = ((await page.getByTestId('token-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(PAT_PATTERN);
    await screenshotBoth(page, '1c-regenerated-reveal');
    await page.getByRole('button', { name: 'Done, back to tokens' }).click();
    await page.getByText('Regenerated “nightly”.', { exact: false }).waitFor();
    // Active again, out of the Inactive section, marked; the server holds the chosen 30 days.
    const activeRow = page.getByRole('table', { name: 'Your personal access tokens' }).getByRole('row', {
      name: /nightly/,
    });
    await expect.poll(() => activeRow.getAttribute('class')).toContain('table__row--new');
    await expectFocusKept(page);
    const self = (await (await withBearer(server.url, secret, '/api/tokens/self')).json()) as {
      id: string;
      expires_at: string;
    };
    expect(self.id).toBe(created.body.token.id);
    expect(Math.abs(Date.parse(self.expires_at) - (Date.now() + 30 * DAY))).toBeLessThan(120_000);

    // In Chinese: the lifetime it has now (30 days, counted from the regeneration) is the default.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: 'nightly 的操作' }).click();
    await page.getByRole('menuitem', { name: '重新生成' }).click();
    const rotateZh = page.getByRole('dialog', { name: '重新生成“nightly”？' });
    const expiryZh = rotateZh.getByLabel('有效期', { exact: true });
    await expect.poll(() => expiryZh.inputValue()).toBe('30');
    expect(await expiryZh.locator('option:checked').textContent()).toBe('30 天（与之前相同）');
    const onZh = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium' }).format(new Date(later + 30 * DAY));
    await rotateZh.getByText(`新令牌将于 ${onZh} 过期。`).waitFor();
    await screenshotBoth(page, '1c-regenerate-dialog');
    await expectNoSeriousA11yViolations(page, 'regenerate dialog zh-CN');
    await page.keyboard.press('Escape');
    await rotateZh.waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('nightly 的操作');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('2: the PAT list never shows automation tokens; the Credentials tab lists and revokes them, then issues a new token and closes groups; a group opens with its tasks', async () => {
    const { context, page, problems } = await openContext(browser);
    await signUpThroughUi(page, server.url, 'journey2');
    const ghToken = newGitHubToken();
    github.addToken(ghToken, {
      login: 'octo',
      scopes: ['repo'],
      repos: [
        { full_name: 'octo/hello-world', private: false, default_branch: 'main' },
        { full_name: 'octo/secret-sauce', private: true, default_branch: 'trunk' },
      ],
    });
    await addGitHubAccount(page, 'Work GitHub', ghToken);

    // Connect a repository by picking the account, then one of its repositories.
    await page.getByRole('link', { name: 'Repositories' }).click();
    await page.getByRole('heading', { level: 1, name: 'Repositories' }).waitFor();
    await page.getByText('No repositories connected').waitFor();
    await page.getByRole('button', { name: 'Connect repository' }).first().click();
    const connect = page.getByRole('dialog', { name: 'Connect a repository' });
    await connect.getByLabel('Provider account').selectOption({ label: 'Work GitHub (GitHub)' });
    await connect.getByLabel('Repository', { exact: true }).selectOption('octo/hello-world');
    await connect.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'octo/hello-world' }).waitFor();
    const repoId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    expect(repoId).not.toBe('');

    // A PAT for the "agent runner", then an agent and two task groups (each gets an automation token).
    const created = await apiAs<{ token: { preview: string }; secret: string }>(
      context,
      server.url,
      'POST',
      '/api/account/tokens',
      { name: 'runner', scopes: ['agents:write', 'tasks:write', 'repos:read'], expires_in_days: 30 },
    );
    expect(created.status).toBe(201);
    const pat = created.body.secret;
    const agent = await withBearer(server.url, pat, '/api/agents', {
      method: 'POST',
      body: {
        name: 'Fixer',
        description: 'Fixes things',
        category: 'coding',
        tags: ['e2e'],
        visibility: 'private',
      },
    });
    expect(agent.status).toBe(201);
    const agentId = ((await agent.json()) as { agent_id: string }).agent_id;
    const automation: { title: string; secret: string; preview: string }[] = [];
    for (const title of ['Fix flaky test', 'Bump dependencies']) {
      const response = await withBearer(
        server.url,
        pat,
        `/api/repos/${encodeURIComponent(repoId)}/task-groups`,
        {
          method: 'POST',
          body: { agent_id: agentId, title },
        },
      );
      expect(response.status).toBe(201);
      const body = (await response.json()) as {
        automation_token: { token: { preview: string }; secret: string };
      };
      expect(body.automation_token.secret).toMatch(/^tes_aut_/);
      automation.push({
        title,
        secret: body.automation_token.secret,
        preview: body.automation_token.token.preview,
      });
    }

    // The personal token list: the PAT only.
    await page.goto(`${server.url}/settings/tokens`);
    const patRow = page.getByRole('row', { name: /runner/ });
    await patRow.waitFor();
    const tokenRows = page.locator('tbody tr');
    await expect.poll(() => tokenRows.count()).toBe(1);
    const tokensPage = await page.content();
    for (const token of automation) {
      expect(tokensPage).not.toContain(token.preview.replace('…', ''));
      expect(tokensPage).not.toContain(token.title);
    }
    const listed = await apiAs<{ tokens: { kind: string }[] }>(
      context,
      server.url,
      'GET',
      '/api/account/tokens',
    );
    expect(listed.body.tokens.map((token) => token.kind)).toEqual(['personal']);

    // The repository's Credentials tab: both automation tokens, with their task groups, no PAT.
    await page.goto(`${server.url}/repos/${encodeURIComponent(repoId)}`);
    await page.getByRole('heading', { level: 1, name: 'octo/hello-world' }).waitFor();
    await page.getByRole('row', { name: /Fix flaky test/ }).waitFor();
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('heading', { name: 'Automation tokens' }).waitFor();
    await page.getByText(/one automation token for each task group/).waitFor();
    for (const token of automation) await page.getByRole('row', { name: new RegExp(token.title) }).waitFor();
    expect(await page.content()).not.toContain(created.body.token.preview.replace('…', ''));

    const [first, second] = automation as [(typeof automation)[0], (typeof automation)[0]];
    await page.getByRole('button', { name: `Revoke automation token ${first.preview}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this automation token?' });
    await dialog.getByText(/working on “Fix flaky test” loses access/).waitFor();
    // The dialog says what remains possible afterwards.
    await dialog.getByText(/issue a new token for it \(shown once\) or close the group/).waitFor();
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(`Automation token ${first.preview} was revoked.`).waitFor();
    await expect
      .poll(() => page.getByRole('row', { name: /Fix flaky test/ }).textContent())
      .toContain('Revoked');

    expect((await withBearer(server.url, first.secret, '/api/tokens/self')).status).toBe(401);
    expect((await withBearer(server.url, second.secret, '/api/tokens/self')).status).toBe(200);

    // Refresh re-reads the list from the server.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => page.getByRole('row', { name: /Bump dependencies/ }).textContent())
      .toContain('Active');

    // Each row names the token after its group, with the title beside it, scope and expiry.
    const bumpRow = page.getByRole('row', { name: /Bump dependencies/ });
    expect(await bumpRow.textContent()).toMatch(/task-group-tg_\S+/);
    expect(await bumpRow.textContent()).toContain('tasks:write');
    expect(await bumpRow.textContent()).toContain('Never');

    // The revoked token's group goes on: the page says so, and a new token is shown once.
    await page.getByText('“Fix flaky test” is open without a working token').waitFor();
    await page.getByRole('button', { name: 'Issue a new token for task group “Fix flaky test”' }).click();
    const reissue = page.getByRole('dialog', { name: 'Issue a new token for “Fix flaky test”?' });
    await reissue.getByRole('button', { name: 'Issue new token' }).click();
    const reveal = page.getByRole('dialog', { name: 'New automation token for “Fix flaky test”' });
    const newSecret = (await reveal.getByTestId('automation-token-secret').textContent()) ?? '';
    expect(newSecret).toMatch(/^tes_aut_[0-9A-Za-z]{46}$/);
    expect((await withBearer(server.url, newSecret, '/api/tokens/self')).status).toBe(200);
    expect((await withBearer(server.url, first.secret, '/api/tokens/self')).status).toBe(401);
    await reveal.getByRole('button', { name: 'I have copied it' }).click();
    await reveal.waitFor({ state: 'hidden' });
    await page.getByText('A new automation token was issued for “Fix flaky test”.').waitFor();
    expect(await page.content()).not.toContain(newSecret);
    await expect.poll(() => page.getByRole('row', { name: /Fix flaky test/ }).count()).toBe(2);
    expect(await page.getByText('“Fix flaky test” is open without a working token').count()).toBe(0);

    // Closing a group revokes its token.
    await page.getByRole('button', { name: 'Close group “Bump dependencies”' }).click();
    const closeDialog = page.getByRole('dialog', { name: 'Close task group “Bump dependencies”?' });
    await closeDialog.getByText(/its automation token is revoked at once/).waitFor();
    await closeDialog.getByRole('button', { name: 'Close group' }).click();
    await closeDialog.waitFor({ state: 'hidden' });
    await page.getByText('Task group “Bump dependencies” was closed and its token revoked.').waitFor();
    expect((await withBearer(server.url, second.secret, '/api/tokens/self')).status).toBe(401);
    await expect.poll(() => bumpRow.textContent()).toContain('Closed');
    expect(await page.getByRole('button', { name: 'Close group “Bump dependencies”' }).count()).toBe(0);

    // The overview names the agent (not its id); a row opens the group with its tasks and status.
    const self = (await (await withBearer(server.url, newSecret, '/api/tokens/self')).json()) as {
      name: string;
    };
    const flakyGroupId = self.name.replace(/^task-group-/, '');
    const task = await withBearer(server.url, newSecret, `/api/task-groups/${flakyGroupId}/tasks`, {
      method: 'POST',
      body: { title: 'Reproduce the flake' },
    });
    expect(task.status).toBe(201);
    await page.getByRole('link', { name: 'Overview' }).click();
    const groupRow = page.getByRole('row', { name: /Fix flaky test/ });
    await groupRow.getByRole('link', { name: 'Fixer' }).waitFor();
    expect(await page.getByRole('table').first().textContent()).not.toContain('agt_');
    await groupRow.getByRole('link', { name: 'Fix flaky test' }).click();
    await page.getByRole('heading', { level: 2, name: 'Fix flaky test' }).waitFor();
    await page.getByRole('row', { name: /Reproduce the flake/ }).waitFor();
    expect(await page.getByRole('row', { name: /Reproduce the flake/ }).textContent()).toContain('Queued');
    await page.getByRole('button', { name: 'Issue a new token' }).waitFor();
    await page.getByRole('button', { name: 'Close group' }).click();
    const closeHere = page.getByRole('dialog', { name: 'Close task group “Fix flaky test”?' });
    await closeHere.getByRole('button', { name: 'Close group' }).click();
    await closeHere.waitFor({ state: 'hidden' });
    await page.getByText('Task group “Fix flaky test” was closed and its token revoked.').waitFor();
    expect((await withBearer(server.url, newSecret, '/api/tokens/self')).status).toBe(401);
    expect(await page.getByRole('button', { name: 'Issue a new token' }).count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('3: provider tokens are tested before they are saved; a failing one is refused unless the user insists', async () => {
    const { context, page, problems } = await openContext(browser);
    await signUpThroughUi(page, server.url, 'journey3');
    const good = newGitHubToken();
    const expiresAt = new Date(Date.now() + 20 * 24 * 3600 * 1000);
    github.addToken(good, { login: 'mona', scopes: ['repo', 'read:org'], expiresAt, repos: [] });
    const unknownToGitHub = newGitHubToken();
    const narrow = newGitHubToken();
    github.addToken(narrow, { login: 'mona', scopes: ['public_repo'], repos: [] });

    await addGitHubAccount(page, 'Mona on GitHub', good);
    await page.getByText('Added “Mona on GitHub”, connected as mona.').waitFor();
    const goodRow = page.getByRole('row', { name: /Mona on GitHub/ });
    await expect.poll(() => goodRow.textContent()).toContain('Working');
    expect(await page.content()).not.toContain(good);

    await goodRow.getByRole('button', { name: 'Test connection: Mona on GitHub' }).click();
    await goodRow.locator('.test-result').getByText('Connected as mona.', { exact: true }).waitFor();
    await goodRow.locator('.test-result').getByText('Scopes: repo, read:org', { exact: true }).waitFor();
    await expect.poll(() => goodRow.textContent()).toMatch(/The token expires on \w{3} \d{1,2}, \d{4}\./);

    // A token GitHub does not know: refused with the reason, nothing saved, focus on the outcome.
    await page.getByRole('button', { name: 'Add provider account' }).first().click();
    const add = page.getByRole('dialog', { name: 'Add provider account' });
    await add.getByLabel('Name').fill('Revoked at GitHub');
    await add.getByLabel('Token', { exact: true }).fill(unknownToGitHub);
    await add.getByRole('button', { name: 'Add account' }).click();
    const refused = add.getByRole('alert').filter({ hasText: 'Not saved' });
    await refused.waitFor();
    await refused.getByText(/The provider rejected the token/).waitFor();
    await refused.getByText(/bad credentials/).waitFor();
    expect(await page.evaluate(() => document.activeElement?.classList.contains('refused-check'))).toBe(true);
    await screenshotBoth(page, '3-provider-refused');
    expect(
      (await apiAs<{ accounts: unknown[] }>(context, server.url, 'GET', '/api/provider-accounts')).body
        .accounts,
    ).toHaveLength(1);
    // The user insists: it is saved, and the notice says the test failed.
    await refused.getByRole('button', { name: 'Save anyway' }).click();
    await add.waitFor({ state: 'hidden' });
    await page
      .getByText(/Added “Revoked at GitHub”\. Its connection test failed \(Token rejected\)\./)
      .waitFor();
    const badRow = page.getByRole('row', { name: /Revoked at GitHub/ });
    await expect.poll(() => badRow.textContent()).toContain('Token rejected');

    // The Connect dialog does not offer an account whose token its provider rejected, and says so.
    await page.goto(`${server.url}/repos`);
    await page.getByRole('button', { name: 'Connect repository' }).first().click();
    const connect = page.getByRole('dialog', { name: 'Connect a repository' });
    await connect.getByText('1 account(s) whose token failed its last test are not offered.').waitFor();
    const accountSelect = connect.getByLabel('Provider account');
    expect(await accountSelect.locator('option', { hasText: 'Revoked at GitHub' }).count()).toBe(0);
    expect(await accountSelect.locator('option', { hasText: 'Mona on GitHub' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await connect.waitFor({ state: 'hidden' });
    await page.goto(`${server.url}/settings/providers`);
    await badRow.waitFor();

    // An under-scoped token names the missing permission.
    await page.getByRole('button', { name: 'Add provider account' }).first().click();
    await add.getByLabel('Name').fill('Public only');
    await add.getByLabel('Token', { exact: true }).fill(narrow);
    await add.getByRole('button', { name: 'Add account' }).click();
    await add
      .getByText('The token lacks the “repo” permission, which Tessera needs to read repositories.')
      .waitFor();
    await add.getByText('Scopes: public_repo').waitFor();
    await page.keyboard.press('Escape');
    await add.waitFor({ state: 'hidden' });

    // Replacing a working token with a bad one keeps the working one.
    await page.getByRole('button', { name: 'More actions for Mona on GitHub' }).click();
    await page.getByRole('menuitem', { name: 'Replace token' }).click();
    const replaceGood = page.getByRole('dialog', { name: 'Replace the token of “Mona on GitHub”' });
    await replaceGood.getByLabel('New token').fill(unknownToGitHub);
    await replaceGood.getByRole('button', { name: 'Test and replace' }).click();
    await replaceGood.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    await replaceGood.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => goodRow.textContent()).toContain(`ghp_…${good.slice(-4)}`);
    await expect.poll(() => goodRow.textContent()).toContain('Working');

    // Replace the rejected token with a good one, and the test passes.
    await page.getByRole('button', { name: 'More actions for Revoked at GitHub' }).click();
    await page.getByRole('menuitem', { name: 'Replace token' }).click();
    const replace = page.getByRole('dialog', { name: 'Replace the token of “Revoked at GitHub”' });
    await replace.getByLabel('New token').fill(good);
    await replace.getByRole('button', { name: 'Test and replace' }).click();
    await replace.waitFor({ state: 'hidden' });
    await page.getByText('Replaced the token of “Revoked at GitHub”.').waitFor();
    await expectFocusKept(page);
    await badRow.getByRole('button', { name: 'Test connection: Revoked at GitHub' }).click();
    await badRow.locator('.test-result').getByText('Connected as mona.', { exact: true }).waitFor();
    await expect.poll(() => badRow.textContent()).toContain('Working');

    // Rename.
    await page.getByRole('button', { name: 'More actions for Revoked at GitHub' }).click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename “Revoked at GitHub”' });
    await rename.getByLabel('Name').fill('Mona (second)');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await page.getByText('Renamed “Revoked at GitHub” to “Mona (second)”.').waitFor();
    await expectFocusKept(page);
    await page.getByRole('row', { name: /Mona \(second\)/ }).waitFor();

    // A token of another provider is refused at the field, in words.
    await page.getByRole('button', { name: 'Add provider account' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add provider account' });
    await dialog.getByLabel('Name').fill('Wrong kind');
    await dialog.getByLabel('Token', { exact: true }).fill('glpat-abcdefghijklmnopqrst');
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await dialog.getByText('This does not look like a GitHub token.', { exact: false }).waitFor();
    await page.keyboard.press('Escape');

    await expectNoSeriousA11yViolations(page, 'providers');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('4: switching to zh-CN translates the token screen, and the choice is kept', async () => {
    const { context, page, problems } = await openContext(browser);
    await signUpThroughUi(page, server.url, 'journey4');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '个人访问令牌' }).waitFor();
    await page.getByRole('link', { name: '生成新令牌' }).first().waitFor();
    await page.getByText('还没有个人访问令牌').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    // The tab names the screen, in the reader's language.
    await expect.poll(() => page.title()).toBe('个人访问令牌 · Tessera');

    await page.getByRole('link', { name: '生成新令牌' }).first().click();
    await page.getByRole('heading', { level: 1, name: '生成新令牌' }).waitFor();
    await page.getByLabel('有效期').waitFor();
    await page.getByText('读取和写入').first().waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name: '生成新令牌' }).waitFor();
    await context.close();

    // A browser that prefers Chinese starts in Chinese.
    const chinese = await openContext(browser, { locale: 'zh-CN' });
    await chinese.page.goto(`${server.url}/login`);
    await chinese.page.getByRole('heading', { level: 1, name: '登录 Tessera' }).waitFor();
    await chinese.context.close();

    expect([...problems, ...chinese.problems]).toEqual([]);
  });

  it('5: screenshots of each main screen, at desktop and phone widths, in both languages, each checked by axe', async () => {
    const ghToken = newGitHubToken();
    github.addToken(ghToken, {
      login: 'octo',
      scopes: ['repo', 'read:org'],
      expiresAt: new Date(Date.now() + 60 * 24 * 3600 * 1000),
      repos: [
        { full_name: 'octo/hello-world', private: false, default_branch: 'main' },
        { full_name: 'octo/infra', private: true, default_branch: 'main' },
      ],
    });

    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const { context, page, problems } = await openContext(browser, { viewport });
      const shot = async (name: string) => {
        await page.waitForLoadState('networkidle');
        await page.evaluate(() => document.fonts.ready);
        // No skeletons or spinners left in a picture of a loaded screen.
        await expect.poll(() => page.locator('.skeleton, .spinner').count()).toBe(0);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${label}-${name}.png`), fullPage: true });
        // Every screen at both widths in English, and in Chinese at desktop width (the layout is
        // the same; the words change), to keep the run short.
        if (label === 'desktop' || !name.endsWith('zh-CN')) {
          await expectNoSeriousA11yViolations(page, `${label} ${name}`);
        }
        visited.push([name, new URL(page.url()).pathname]);
      };
      const visited: Array<[string, string]> = [];

      await page.goto(`${server.url}/login`);
      await page.getByRole('heading', { level: 1, name: 'Sign in to Tessera' }).waitFor();
      await shot('01-sign-in');
      await signUpThroughUi(page, server.url, `shots-${label}`);

      // A lived-in account, made through the API as the UI would.
      const seed = (method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown) =>
        apiAs<Record<string, unknown>>(context, server.url, method, route, body);
      const account = await seed('POST', '/api/provider-accounts', {
        provider: 'github',
        name: 'Work GitHub',
        token: ghToken,
      });
      const repo = await seed('POST', '/api/repos', {
        provider_account_id: account.body.id,
        full_name: 'octo/hello-world',
      });
      const repoId = String(repo.body.id);
      const runner = await seed('POST', '/api/account/tokens', {
        name: 'Agent runner',
        description: 'Starts task groups for the nightly agents',
        scopes: ['agents:write', 'tasks:write', 'repos:read'],
        expires_in_days: 30,
      });
      const pat = String(runner.body.secret);
      await seed('POST', '/api/account/tokens', {
        name: 'Laptop CLI',
        scopes: ['profile:read', 'agents:read'],
        expires_in_days: 90,
      });
      const old = await seed('POST', '/api/account/tokens', {
        name: 'Old deploy key',
        scopes: ['repos:read'],
        expires_in_days: 7,
      });
      await seed('DELETE', `/api/account/tokens/${(old.body.token as { id: string }).id}`);
      await withBearer(server.url, pat, '/api/me');
      const agentIds: string[] = [];
      for (const agent of [
        {
          name: 'Dependency bumper',
          description: 'Opens pull requests that update dependencies, one at a time, with release notes.',
          category: 'devops',
          tags: ['deps', 'ci'],
          visibility: 'public',
        },
        {
          name: 'Test fixer',
          description: 'Finds flaky tests and proposes fixes.',
          category: 'coding',
          tags: ['testing'],
          visibility: 'private',
        },
        {
          name: 'Release notes writer',
          description: 'Drafts release notes from merged pull requests.',
          category: 'writing',
          tags: ['docs'],
          visibility: 'public',
        },
      ]) {
        const response = await withBearer(server.url, pat, '/api/agents', { method: 'POST', body: agent });
        agentIds.push(((await response.json()) as { agent_id: string }).agent_id);
      }
      const form = new FormData();
      form.append(
        'file',
        new Blob(['name: dependency-bumper\nversion: 1\n'], { type: 'text/yaml' }),
        'agent.yaml',
      );
      await fetch(`${server.url}/api/agents/${agentIds[0]}/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pat}` },
        body: form,
      });
      for (const title of ['Nightly dependency update', 'Fix flaky login test']) {
        await withBearer(server.url, pat, `/api/repos/${encodeURIComponent(repoId)}/task-groups`, {
          method: 'POST',
          body: { agent_id: agentIds[0], title },
        });
      }
      // Let "last used" reach the store, so the list shows it.
      await new Promise((resolve) => setTimeout(resolve, 400));

      await page.goto(`${server.url}/settings/tokens`);
      await page.getByRole('row', { name: /Agent runner/ }).waitFor();
      await shot('02-tokens');
      // The README's picture is refreshed only on request, so a test run never dirties the tree.
      if (label === 'desktop' && process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
        const docs = path.join(repoRoot, 'docs/screenshots');
        mkdirSync(docs, { recursive: true });
        copyFileSync(path.join(SCREENSHOTS, 'desktop-02-tokens.png'), path.join(docs, 'tokens.png'));
      }

      await page.getByRole('link', { name: 'Generate new token' }).first().click();
      await page.getByLabel('Name', { exact: true }).fill('CI deploy');
      await page
        .getByRole('radiogroup', { name: 'Repositories' })
        .getByRole('radio', { name: 'Read', exact: true })
        .check();
      await shot('03-new-token');
      await page.getByRole('button', { name: 'Generate token' }).click();
      await page.getByTestId('token-secret').waitFor();
      await shot('04-token-secret');
      await page.getByRole('button', { name: 'Done, back to tokens' }).click();
      await page.getByRole('row', { name: /CI deploy/ }).waitFor();

      await page.getByRole('button', { name: 'Actions for Agent runner' }).click();
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      await page.getByRole('dialog').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, `${label}-05-edit-token.png`) });
      await expectNoSeriousA11yViolations(page, `${label} edit-token dialog`);
      await page.keyboard.press('Escape');

      await page.goto(`${server.url}/settings/security-log`);
      await page.getByRole('table').getByText('Personal access token created').first().waitFor();
      await shot('06-security-log');

      await page.goto(`${server.url}/settings/providers`);
      const row = page.getByRole('row', { name: /Work GitHub/ });
      await row.getByRole('button', { name: /Test connection/ }).click();
      await row.locator('.test-result').getByText('Connected as octo.', { exact: true }).waitFor();
      await shot('07-providers');

      await page.getByRole('button', { name: 'Add provider account' }).first().click();
      await page.getByRole('dialog').getByRole('radio', { name: 'Bitbucket' }).check();
      await page.screenshot({ path: path.join(SCREENSHOTS, `${label}-08-add-provider.png`) });
      await expectNoSeriousA11yViolations(page, `${label} add-provider dialog`);
      await page.keyboard.press('Escape');

      await page.goto(`${server.url}/repos`);
      await page.getByRole('link', { name: 'octo/hello-world' }).waitFor();
      await shot('09-repos');
      await page.goto(`${server.url}/repos/${encodeURIComponent(repoId)}`);
      await page.getByRole('row', { name: /Nightly dependency update/ }).waitFor();
      await shot('10-repo-overview');
      await page.goto(`${server.url}/repos/${encodeURIComponent(repoId)}/credentials`);
      await page.getByRole('row', { name: /Fix flaky login test/ }).waitFor();
      await shot('11-repo-credentials');
      await page
        .getByRole('row', { name: /Fix flaky login test/ })
        .getByRole('link')
        .click();
      await page.getByRole('heading', { level: 2, name: 'Fix flaky login test' }).waitFor();
      await shot('11b-task-group');

      await page.goto(`${server.url}/agents`);
      await page.getByRole('link', { name: 'Test fixer' }).waitFor();
      await shot('12-agents');
      await page.goto(`${server.url}/agents/${agentIds[0]}`);
      await page.getByRole('row', { name: /agent\.yaml/ }).waitFor();
      await shot('13-agent');
      await page.getByRole('link', { name: 'Edit' }).click();
      await page.getByLabel('Name').waitFor();
      await shot('14-agent-edit');

      await page.goto(`${server.url}/device`);
      await page.getByLabel('Code').waitFor();
      await shot('15-device');

      // The same screens in Chinese (dialogs excepted), each checked by axe again.
      await page.getByLabel('Language').selectOption('zh-CN');
      await page.goto(`${server.url}/settings/tokens`);
      await page.getByRole('heading', { level: 1, name: '个人访问令牌' }).waitFor();
      for (const [name, pathname] of visited.splice(0)) {
        if (pathname === '/login' || name.includes('secret')) continue;
        await page.goto(`${server.url}${pathname}`);
        await page.locator('h1').first().waitFor();
        await shot(`${name}-zh-CN`);
      }

      expect(problems).toEqual([]);
      await context.close();
    }
    // Four passes (two widths, two languages) of ~17 screens, each checked by axe: slow on a loaded machine.
  }, 300_000);

  it('6: the device and consent pages complete real OAuth flows', async () => {
    const { context, page, problems } = await openContext(browser);
    await signUpThroughUi(page, server.url, 'journey6');

    // Device flow (RFC 8628): the CLI asks for a code, the person approves it in the browser.
    const started = await fetch(`${server.url}/api/oauth/device_authorization`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'tessera-cli', scope: 'profile:read agents:read' }),
    });
    expect(started.status).toBe(200);
    const device = (await started.json()) as {
      device_code: string;
      user_code: string;
      verification_uri_complete: string;
    };
    await page.goto(device.verification_uri_complete.replace(/^https?:\/\/[^/]+/, server.url));
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page
      .getByRole('heading', { level: 1, name: 'Allow Tessera CLI to access your account?' })
      .waitFor();
    await page.getByText(device.user_code).waitFor();
    await page.getByText('Read your name and e-mail address').waitFor();
    // Exactly what was asked for: no account management, so no warning about it.
    expect(await page.getByText(/Manage your account/).count()).toBe(0);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByText(/Tessera CLI can now use your account/).waitFor();
    const polled = await fetch(`${server.url}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: device.device_code,
        client_id: 'tessera-cli',
      }),
    });
    expect(polled.status).toBe(200);
    const granted = (await polled.json()) as { access_token: string; scope: string };
    expect(granted.scope).toBe('agents:read profile:read');
    const access = granted.access_token;
    expect((await withBearer(server.url, access, '/api/me')).status).toBe(200);
    // Granted without `account`: it cannot manage tokens (ADR 0013).
    expect((await withBearer(server.url, access, '/api/account/tokens')).status).toBe(403);

    // A wrong code says so.
    await page.getByRole('button', { name: 'Enter another code' }).click();
    await page.getByLabel('Code').fill('WXYZ-WXYZ');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(/This code is not valid or has expired/).waitFor();

    // Authorization code + PKCE with a loopback redirect: the consent page sends the browser back.
    const { createHash, randomBytes } = await import('node:crypto');
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const { createServer } = await import('node:http');
    let received: URL | undefined;
    const loopback = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      // The browser also asks for /favicon.ico; only the redirect counts.
      if (url.pathname === '/callback') received = url;
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('You can close this window.');
    });
    await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
    const port = (loopback.address() as { port: number }).port;
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    try {
      const authorize = new URL(`${server.url}/api/oauth/authorize`);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: 'tessera-cli',
        redirect_uri: redirectUri,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'e2e-state',
        scope: 'agents:read account',
      }).toString();
      await page.goto(authorize.toString());
      await page
        .getByRole('heading', { level: 1, name: 'Tessera CLI wants to access your Tessera account' })
        .waitFor();
      await page.getByText(`You will be sent back to http://127.0.0.1:${port}.`).waitFor();
      // The consent page shows each scope with its description, and warns about `account`.
      await page.getByText('Read agents in the registry').waitFor();
      await page.getByText(/^Manage your account: personal access tokens/).waitFor();
      await page.getByText(/Allow it only for applications you trust/).waitFor();
      await page.getByRole('button', { name: 'Allow' }).click();
      await expect.poll(() => received?.pathname).toBe('/callback');
      expect(received?.searchParams.get('state')).toBe('e2e-state');
      const code = received?.searchParams.get('code') ?? '';
      const exchanged = await fetch(`${server.url}/api/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
          client_id: 'tessera-cli',
        }),
      });
      expect(exchanged.status).toBe(200);
      expect(((await exchanged.json()) as { scope: string }).scope).toBe('agents:read account');
    } finally {
      await new Promise((resolve) => loopback.close(resolve));
    }

    expect(problems).toEqual([]);
    await context.close();
  });

  it('7: two browsers: see both sessions, sign out everywhere else, then change the password', async () => {
    const first = await openContext(browser);
    const email = await signUpThroughUi(first.page, server.url, 'journey7');
    const second = await openContext(browser);
    await second.page.goto(`${server.url}/login`);
    await second.page.getByLabel('E-mail address').fill(email);
    await second.page.getByLabel('Password').fill(PASSWORD);
    await second.page.getByRole('button', { name: 'Sign in' }).click();
    await second.page.getByRole('heading', { level: 1, name: 'Personal access tokens' }).waitFor();

    // Both web sessions are listed; only the one in this browser is "This device".
    const { page } = first;
    await page.getByRole('link', { name: 'Sessions and devices' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sessions and devices' }).waitFor();
    const webRows = page.getByRole('row', { name: /Web browser/ });
    await expect.poll(() => webRows.count()).toBe(2);
    const current = page.getByRole('row', { name: /This device/ });
    await expect.poll(() => current.count()).toBe(1);
    await expect.poll(() => current.textContent()).toContain('Chrome on Linux');
    await expect.poll(() => current.textContent()).toContain('Active now');
    expect(await page.content()).not.toMatch(/tes_(ses|acc|ref)_/);

    // "Sign out everywhere else" asks for the password; a wrong one is shown at the field.
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign out everywhere else?' });
    await dialog.waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
      .toBe('password');
    await dialog.getByLabel('Your password').fill('not the password at all');
    await dialog.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await dialog.getByText('The password is not correct.').waitFor();
    await dialog.getByLabel('Your password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Other sessions signed out: 1.').waitFor();
    await expectFocusKept(page);
    await expect.poll(() => webRows.count()).toBe(1);

    // The other browser is sent to sign-in on its next page load.
    await second.page.reload();
    await expect.poll(() => new URL(second.page.url()).pathname).toBe('/login');

    // Change the password: the form checks the confirmation, then the server checks the current one.
    const newPassword = 'a brand new passphrase for tessera';
    await page.getByRole('link', { name: 'Password', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Password' }).waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(`${newPassword}!`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The passwords do not match.').waitFor();
    await page.getByLabel('Current password').fill('not the password at all');
    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is not correct.').waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
      .toBe('current-password');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed. Every other session was signed out.').waitFor();
    // This browser stays signed in.
    await page.getByRole('link', { name: 'Sessions and devices' }).click();
    await expect.poll(() => webRows.count()).toBe(1);

    // The old password is refused at sign-in; the new one works.
    await second.page.getByLabel('E-mail address').fill(email);
    await second.page.getByLabel('Password').fill(PASSWORD);
    await second.page.getByRole('button', { name: 'Sign in' }).click();
    await second.page.getByText('The e-mail address or password is not correct.').waitFor();
    await second.page.getByLabel('Password').fill(newPassword);
    await second.page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(second.page.url()).pathname).not.toBe('/login');
    await second.page.getByRole('heading', { level: 1 }).first().waitFor();

    // Revoking this device's own session signs it out and lands on the sign-in page.
    await page.getByRole('link', { name: 'Sessions and devices' }).click();
    await current.getByRole('button', { name: /^Revoke the session on/ }).click();
    const signOut = page.getByRole('dialog', { name: 'Sign out of this device?' });
    await signOut.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(`${server.url}/settings/sessions`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');

    expect(first.problems).toEqual([]);
    expect(second.problems).toEqual([]);
    await first.context.close();
    await second.context.close();
  });

  it('8: on a phone and from the keyboard: timestamps, settings tabs, page titles, a failed sign-out', async () => {
    const { context, page, problems } = await openContext(browser, { viewport: PHONE, touch: true });
    await signUpThroughUi(page, server.url, 'journey8');
    await apiAs(context, server.url, 'POST', '/api/account/tokens', {
      name: 'phone check',
      scopes: ['profile:read'],
      expires_in_days: 30,
    });
    await page.reload();
    await page.getByRole('row', { name: /phone check/ }).waitFor();

    // The settings tabs all fit on a phone's width (they wrap), in both languages.
    const tabsFit = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.subnav a')).map((link) => {
          const box = link.getBoundingClientRect();
          return box.left >= 0 && box.right <= window.innerWidth && box.width > 0;
        }),
      );
    // Every settings tab is present (the list grows with features) and every one fits.
    const settingsTabs = 7;
    expect(await tabsFit()).toEqual(Array(settingsTabs).fill(true));

    // A timestamp shows its exact date and time when tapped.
    const exactShown = () =>
      page.evaluate(() => {
        const exact = document.activeElement?.querySelector<HTMLElement>('.timestamp__exact');
        return exact ? exact.getBoundingClientRect().width > 20 && exact.textContent : null;
      });
    const created = page
      .getByRole('row', { name: /phone check/ })
      .locator('time')
      .first();
    await created.tap();
    await expect.poll(exactShown).toMatch(/\d{4}/);
    await screenshotBoth(page, '8-timestamp-tapped');

    // …and when reached with the Tab key.
    await page.setViewportSize(DESKTOP);
    await page.locator('#token-sort').focus();
    let reached = false;
    for (let step = 0; step < 12 && !reached; step += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.tagName === 'TIME');
    }
    expect(reached).toBe(true);
    await expect.poll(exactShown).toMatch(/\d{4}/);

    // Every screen names itself in the tab title, in the reader's language.
    const titles = async () => {
      for (const route of [
        '/settings/tokens',
        '/settings/tokens/new',
        '/settings/security-log',
        '/settings/sessions',
        '/settings/password',
        '/settings/providers',
        '/repos',
        '/agents',
        '/device',
      ]) {
        await page.goto(`${server.url}${route}`);
        const heading = ((await page.locator('h1').first().textContent()) ?? '').trim();
        expect(heading).not.toBe('');
        await expect.poll(() => page.title()).toBe(`${heading} · Tessera`);
      }
    };
    await titles();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/settings/tokens`);
    await page.getByRole('heading', { level: 1, name: '个人访问令牌' }).waitFor();
    expect(await tabsFit()).toEqual(Array(settingsTabs).fill(true));
    await page.setViewportSize(DESKTOP);
    await titles();

    // Signing out while the server cannot be reached says so, and the user is still signed in.
    await page.route('**/api/auth/logout', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('alert').filter({ hasText: '您仍处于登录状态：' }).waitFor();
    await page.getByLabel('语言').selectOption('en-US');
    await page.getByRole('alert').filter({ hasText: 'You are still signed in:' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/device');
    await page.unroute('**/api/auth/logout');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');

    expect(problems.filter((problem) => !problem.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
    await context.close();
  });

  it('9: agents are private by default, say what was saved, copy a file hash; an account in use names its repositories', async () => {
    const { context, page, problems } = await openContext(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signUpThroughUi(page, server.url, 'journey9');

    // A new agent is private unless the author chooses otherwise (as in the CLI).
    await page.goto(`${server.url}/agents/new`);
    await page.getByRole('heading', { level: 1, name: 'New agent' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Private' }).isChecked()).toBe(true);
    await page.getByLabel('Name').fill('Docs bot');
    await page.getByLabel('Description').fill('Keeps the README in step with the code.');
    await page.getByLabel('Category').selectOption('writing');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { level: 1, name: 'Docs bot' }).waitFor();
    await page.getByText('Created “Docs bot”.').waitFor();
    const agentId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    const agent = await apiAs<{ visibility: string }>(context, server.url, 'GET', `/api/agents/${agentId}`);
    expect(agent.body.visibility).toBe('private');
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Description').fill('Keeps the README and the docs in step with the code.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved the changes to “Docs bot”.').waitFor();

    // An uploaded file's SHA-256 has a copy button.
    const upload = await context.request.post(`${server.url}/api/agents/${agentId}/upload`, {
      headers: { origin: server.url },
      multipart: {
        file: { name: 'agent.yaml', mimeType: 'text/yaml', buffer: Buffer.from('name: docs-bot\n') },
      },
    });
    expect(upload.status()).toBe(201);
    const sha256 = ((await upload.json()) as { file: { sha256: string } }).file.sha256;
    await page.reload();
    await page.getByRole('button', { name: 'Copy the SHA-256 of agent.yaml' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(sha256);

    // Deleting asks first; afterwards focus is on the agents list, not lost.
    await page.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete “Docs bot”?' });
    await remove.getByRole('button', { name: 'Delete agent' }).click();
    await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
    await expectFocusKept(page);

    // A provider account that repositories depend on names them when asked to remove it.
    const ghToken = newGitHubToken();
    github.addToken(ghToken, {
      login: 'hubot',
      scopes: ['repo'],
      repos: [{ full_name: 'hubot/blocked', private: true, default_branch: 'main' }],
    });
    const account = await apiAs<{ id: string }>(context, server.url, 'POST', '/api/provider-accounts', {
      provider: 'github',
      name: 'Hubot',
      token: ghToken,
    });
    await apiAs(context, server.url, 'POST', '/api/repos', {
      provider_account_id: account.body.id,
      full_name: 'hubot/blocked',
    });
    await page.goto(`${server.url}/settings/providers`);
    await page.getByRole('button', { name: 'More actions for Hubot' }).click();
    await page.getByRole('menuitem', { name: 'Remove' }).click();
    const removeAccount = page.getByRole('dialog', { name: 'Remove “Hubot”?' });
    await removeAccount
      .getByText('These repositories are connected through this account.', { exact: false })
      .waitFor();
    await removeAccount.getByText('hubot/blocked').waitFor();
    await screenshotBoth(page, '9-remove-account-in-use');
    await expectNoSeriousA11yViolations(page, 'remove account dialog');
    await page.keyboard.press('Escape');
    await removeAccount.waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('More actions for Hubot');
    // The same in Chinese.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: 'Hubot 的更多操作' }).click();
    await page.getByRole('menuitem', { name: '移除' }).click();
    const removeZh = page.getByRole('dialog', { name: '移除“Hubot”？' });
    await removeZh.getByText('以下代码仓库通过此账号连接，请先断开它们：').waitFor();
    await removeZh.getByText('hubot/blocked').waitFor();
    await screenshotBoth(page, '9-remove-account-in-use');
    await page.keyboard.press('Escape');
    await removeZh.waitFor({ state: 'hidden' });

    expect(problems).toEqual([]);
    await context.close();
  });

  it('10: token controls: create with self-rotation, networks and repositories; reduce to the scopes used; restrict to the networks used; rotate with an overlap', async () => {
    const { context, page, problems } = await openContext(browser);
    await signUpThroughUi(page, server.url, 'journey10');
    const ghToken = newGitHubToken();
    github.addToken(ghToken, {
      login: 'fleet',
      scopes: ['repo'],
      repos: [
        { full_name: 'fleet/api', private: true, default_branch: 'main' },
        { full_name: 'fleet/web', private: false, default_branch: 'main' },
      ],
    });
    const account = await apiAs<{ id: string }>(context, server.url, 'POST', '/api/provider-accounts', {
      provider: 'github',
      name: 'Fleet',
      token: ghToken,
    });
    const repoIds: Record<string, string> = {};
    for (const fullName of ['fleet/api', 'fleet/web']) {
      const repo = await apiAs<{ id: string }>(context, server.url, 'POST', '/api/repos', {
        provider_account_id: account.body.id,
        full_name: fullName,
      });
      expect(repo.status).toBe(201);
      repoIds[fullName] = repo.body.id;
    }

    // Create: the repository picker appears only with a repository or task scope.
    await page.getByRole('link', { name: 'Generate new token' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('fleet deploy');
    expect(await page.getByRole('group', { name: 'Repositories', exact: true }).count()).toBe(0);
    await page
      .getByRole('radiogroup', { name: 'Repositories' })
      .getByRole('radio', { name: 'Read and write', exact: true })
      .check();
    await page
      .getByRole('radiogroup', { name: 'Profile' })
      .getByRole('radio', { name: 'Read', exact: true })
      .check();
    const repoPicker = page.getByRole('group', { name: 'Repositories', exact: true });
    expect(await repoPicker.getByRole('radio', { name: /^All repositories/ }).isChecked()).toBe(true);
    await repoPicker.getByRole('radio', { name: 'Only select repositories' }).check();
    await repoPicker.getByRole('checkbox', { name: 'fleet/api' }).check();
    // A network that is not a CIDR is refused by the server, and the field names it.
    const networks = page.getByLabel(/^Allowed networks/);
    await networks.fill('127.0.0.0/8\noffice-vpn');
    const selfRotation = page.getByRole('checkbox', { name: 'Allow this token to rotate itself' });
    await selfRotation.check();
    expect(await selfRotation.getAttribute('aria-describedby')).toBeTruthy();
    await page.getByRole('button', { name: 'Generate token' }).click();
    await page.getByText('Not networks in CIDR form: office-vpn.', { exact: false }).waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
      .toBe('allowed_cidrs');
    await networks.fill('127.0.0.0/8\n2001:db8::/48');
    await page.getByRole('button', { name: 'Generate token' }).click();
    await page.getByRole('heading', { level: 1, name: 'Copy your new token now' }).waitFor();
    const secret = ((await page.getByTestId('token-secret').textContent()) ?? '').trim();
    expect(secret).toMatch(PAT_PATTERN);
    await page.getByRole('button', { name: 'Done, back to tokens' }).click();
    await page.getByText('Generated “fleet deploy”.').waitFor();
    const listed = await apiAs<{ tokens: Array<Record<string, unknown> & { id: string; name: string }> }>(
      context,
      server.url,
      'GET',
      '/api/account/tokens',
    );
    const token = listed.body.tokens.find((candidate) => candidate.name === 'fleet deploy');
    expect(token).toMatchObject({
      allow_self_rotation: true,
      on_rotated_out_use: 'revoke',
      repo_ids: [repoIds['fleet/api']],
      allowed_cidrs: ['127.0.0.0/8', '2001:db8::/48'],
    });
    const tokenId = token?.id ?? '';

    // Use it: it sees only the repository it is limited to, from 127.0.0.1.
    for (let use = 0; use < 3; use++) {
      const repos = await withBearer(server.url, secret, '/api/repos');
      expect(repos.status).toBe(200);
      const body = (await repos.json()) as { repos: { full_name: string }[] };
      expect(body.repos.map((repo) => repo.full_name)).toEqual(['fleet/api']);
    }
    // Uses are written in batches (every 100 ms here): wait until the server reports them.
    await expect
      .poll(
        async () =>
          (
            await apiAs<{ used: { uses: number }[] }>(
              context,
              server.url,
              'GET',
              `/api/account/tokens/${tokenId}/usage`,
            )
          ).body.used[0]?.uses,
      )
      .toBe(3);
    await expect
      .poll(
        async () =>
          (
            await apiAs<{ networks: unknown[] }>(
              context,
              server.url,
              'GET',
              `/api/account/tokens/${tokenId}/networks`,
            )
          ).body.networks.length,
      )
      .toBe(1);

    // The detail page: least privilege, networks, repositories, rotation settings.
    await page.getByRole('link', { name: 'fleet deploy' }).click();
    await page.getByRole('heading', { level: 1, name: 'fleet deploy' }).waitFor();
    const usage = page.getByRole('region', { name: 'Least privilege' });
    await usage.getByText('Granted: repos:write, profile:read').waitFor();
    await usage.getByText('Used in the last 30 days: repos:read (3×)').waitFor();
    const repos = page.getByRole('region', { name: 'Repositories' });
    expect(await repos.getByRole('radio', { name: 'Only select repositories' }).isChecked()).toBe(true);
    expect(await repos.getByRole('checkbox', { name: 'fleet/api' }).isChecked()).toBe(true);
    expect(await repos.getByRole('checkbox', { name: 'fleet/web' }).isChecked()).toBe(false);
    const rotation = page.getByRole('region', { name: 'Rotation' });
    expect(
      await rotation.getByRole('checkbox', { name: 'Allow this token to rotate itself' }).isChecked(),
    ).toBe(true);
    expect(await rotation.getByRole('radio', { name: /^Revoke the token/ }).isChecked()).toBe(true);
    const networksRegion = page.getByRole('region', { name: 'Networks' });
    await networksRegion
      .getByRole('table', { name: 'Networks the token was used from' })
      .getByText('127.0.0.0/24')
      .waitFor();
    await screenshotBoth(page, '10-token-detail');
    await expectNoSeriousA11yViolations(page, 'token detail');
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({
      path: path.join(SCREENSHOTS, '10-token-detail-full-en-US-phone.png'),
      fullPage: true,
    });
    await page.setViewportSize(DESKTOP);

    // One click reduces the grant to what was used.
    await usage.getByRole('button', { name: 'Reduce to repos:read' }).click();
    await page.getByText('Reduced the scopes of “fleet deploy” to repos:read.').waitFor();
    await usage.getByText('Granted: repos:read').waitFor();
    await usage.getByText('The token uses every scope it holds.').waitFor();
    const self = (await (await withBearer(server.url, secret, '/api/tokens/self')).json()) as {
      scopes: string[];
    };
    expect(self.scopes).toEqual(['repos:read']);

    // One click restricts it to the networks it has used.
    await networksRegion.getByRole('button', { name: 'Restrict to these networks' }).click();
    await page.getByText('“fleet deploy” now works only from the networks it has used.').waitFor();
    await networksRegion.getByText('The token works only from these networks.').waitFor();
    expect(await networksRegion.getByLabel(/^Allowed networks/).inputValue()).toBe('127.0.0.0/24');
    const restricted = await apiAs<{ allowed_cidrs: string[] | null }>(
      context,
      server.url,
      'GET',
      `/api/account/tokens/${tokenId}`,
    );
    expect(restricted.body.allowed_cidrs).toEqual(['127.0.0.0/24']);
    expect((await withBearer(server.url, secret, '/api/tokens/self')).status).toBe(200);

    // Regenerate with an overlap: the old secret keeps working until the new one is first used.
    await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
    const rotate = page.getByRole('dialog', { name: 'Regenerate “fleet deploy”?' });
    expect(await rotate.getByRole('radio', { name: /^Stops working at once/ }).isChecked()).toBe(true);
    await rotate.getByRole('radio', { name: 'Keeps working until the new secret is first used' }).check();
    const deadline = rotate.getByLabel('At the latest, it stops after');
    expect(await deadline.inputValue()).toBe('60');
    expect(await rotate.getByRole('radio', { name: /^Revoke the token/ }).isChecked()).toBe(true);
    await rotate.getByRole('radio', { name: 'Notify me only' }).check();
    await expectNoSeriousA11yViolations(page, 'regenerate dialog with overlap');
    await rotate.getByRole('button', { name: 'Regenerate token' }).click();
    await page.getByRole('heading', { level: 1, name: 'Copy your regenerated token now' }).waitFor();
    const newSecret = ((await page.getByTestId('token-secret').textContent()) ?? '').trim();
    expect(newSecret).toMatch(PAT_PATTERN);
    await page.getByRole('button', { name: 'Done, back to tokens' }).click();
    await page.getByText('Regenerated “fleet deploy”.', { exact: false }).waitFor();
    await page.getByText(/^Rotating: old secret valid until /).waitFor();
    const afterRotation = await apiAs<{ on_rotated_out_use: string; old_secret_valid_until: string | null }>(
      context,
      server.url,
      'GET',
      `/api/account/tokens/${tokenId}`,
    );
    expect(afterRotation.body.on_rotated_out_use).toBe('notify');
    expect(Date.parse(afterRotation.body.old_secret_valid_until ?? '') - Date.now()).toBeGreaterThan(
      50 * 60_000,
    );
    expect((await withBearer(server.url, secret, '/api/tokens/self')).status).toBe(200);
    // The same page in Chinese.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 2, name: '最小权限' }).waitFor();
    await page.getByText(/^轮换中：旧密钥在 .+ 前有效$/).waitFor();
    await page.getByText('此令牌只能从这些网络使用。').waitFor();
    await page.getByLabel('语言').selectOption('en-US');
    // The list says so too.
    await page.getByRole('link', { name: /Back to tokens/ }).click();
    const row = page.getByRole('row', { name: /fleet deploy/ });
    await expect.poll(() => row.textContent()).toContain('Rotating: old secret valid until');
    // The first use of the new secret ends the overlap: the old secret stops.
    expect((await withBearer(server.url, newSecret, '/api/tokens/self')).status).toBe(200);
    expect((await withBearer(server.url, secret, '/api/tokens/self')).status).toBe(401);
    await page.reload();
    await row.waitFor();
    expect(await row.textContent()).not.toContain('Rotating');

    expect(problems).toEqual([]);
    await context.close();
  });
});
