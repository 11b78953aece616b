import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { mintToken, type IssuerState } from '../../local/stack/token-issuer.js';
import { ApiClient } from '../support/api-client.js';
import { saveScreenshot } from './console-screenshots.js';

/** Generous: the suite shares two cores with the emulators and the other test files. */
export const LONG = 90_000;
export const ACCOUNT = { username: 'rpa-console', password: 'Console-Passw0rd!' };

export function uniqueUser(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function apiAs(baseUrl: string, issuer: IssuerState, userId: string, platformAdmin = false): Promise<ApiClient> {
  return new ApiClient(baseUrl, await mintToken(issuer, { userId, platformAdmin }), userId);
}

/** A page at phone or desktop size, signed in through the local sign-in page the local host serves. */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  userId: string,
  options: { platformAdmin?: boolean; width?: number; height?: number; screenshot?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/api/console/`);
  await page.getByRole('link', { name: 'Local sign-in' }).click();
  await page.getByLabel('User id').fill(userId);
  if (options.platformAdmin) await page.getByLabel('Platform.Admin').check();
  if (options.screenshot) await saveScreenshot(page, options.screenshot);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').filter({ hasText: userId }).waitFor({ timeout: LONG });
  return page;
}

/** Marks the document so that a test can tell the view updated in place rather than by a reload. */
export async function markDocument(page: Page): Promise<void> {
  // a string: this project's Node typings have no DOM
  await page.evaluate("document.documentElement.setAttribute('data-test-marker', 'kept')");
}

export async function documentKept(page: Page): Promise<boolean> {
  return (await page.locator('html').getAttribute('data-test-marker')) === 'kept';
}

/** The ids in a console URL such as `#/environments/{env}/groups/{group}`. */
export function idsOf(url: string): { env: string; group: string | undefined } {
  const m = /#\/environments\/([^/]+)(?:\/groups\/([^/?]+))?/.exec(url);
  if (!m?.[1]) throw new Error(`not an environment URL: ${url}`);
  return { env: m[1], group: m[2] };
}
