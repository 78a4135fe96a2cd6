import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

export const PASSWORD = 'correct horse battery staple';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * After a dialog's action, focus is somewhere meaningful (the opener, the page heading, the
 * notice that says what happened), never dropped to the document body.
 */
export async function expectFocusKept(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() => {
        const active = document.activeElement;
        return active !== null && active !== document.body && !active.closest('dialog:not([open])');
      }),
    )
    .toBe(true);
  // …and it stays there once the closing dialog has handed it on (next frames).
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => document.activeElement !== document.body)).toBe(true);
}

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.test`;
}

/**
 * A fresh browser context (its own cookies and storage) that records page errors and
 * Content-Security-Policy violations, so that a journey fails on either.
 */
export async function openContext(
  browser: Browser,
  options: { locale?: string; viewport?: { width: number; height: number }; touch?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? DESKTOP,
    timezoneId: 'UTC',
    ...(options.touch ? { hasTouch: true, isMobile: true } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // The server's CSP lists `http://[::1]:*` in form-action, which Chromium ignores with a
    // warning; that is the server's header, not the page's doing (reported to the lead).
    if (text.includes("'form-action'") && text.includes('[::1]')) return;
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.setDefaultTimeout(15_000);
  return { context, page, problems };
}

export async function signUpThroughUi(page: Page, baseUrl: string, label: string): Promise<string> {
  const email = uniqueEmail(label);
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/settings/tokens');
  await page.getByRole('heading', { level: 1, name: 'Personal access tokens' }).waitFor();
  return email;
}

/** JSON through the browser context's own cookies (the signed-in session), as the UI would send it. */
export async function apiAs<T>(
  context: BrowserContext,
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await context.request.fetch(`${baseUrl}${path}`, {
    method,
    headers: { origin: baseUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { data: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status(), body: (text ? JSON.parse(text) : undefined) as T };
}

/** A request with a bearer token only (no cookies), as a script using a PAT would make it. */
export async function withBearer(
  baseUrl: string,
  token: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}
