import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildConsole, consoleAssetsIn } from '../../console/build.js';
import { REPO_ROOT } from '../../local/stack/local-cloud.js';
import type { ApiClient } from '../support/api-client.js';
import { localCloud } from '../support/api-client.js';
import { launchChromium } from './chromium.js';
import { saveScreenshot } from './console-screenshots.js';
import { ACCOUNT, apiAs, documentKept, idsOf, LONG, markDocument, signedInPage, uniqueUser } from './console-world.js';

/**
 * The web console in a real Chromium against the local cloud (issue #23): every wait is a poll of what the page
 * shows, never a sleep; no assertion on timing.
 */
const SLOW_FLOW = [{ wait: { ms: 1_500 } }, { output: { name: 'done', value: 'yes' } }];

let browser: Browser;
let page: Page;
let admin: ApiClient;
let adminId: string;
let env = '';
let group = '';
let connectionId = '';
let flowId = '';
const { baseUrl, issuer } = localCloud();

async function submitRun(): Promise<string> {
  const run = await admin.post<{ id: string }>(`environments/${env}/runs`, { connectionId, desktopFlowId: flowId, inputs: {}, priority: 'Normal' });
  expect(run.status, run.text).toBe(202);
  return run.body.id;
}

beforeAll(async () => {
  await buildConsole(consoleAssetsIn(REPO_ROOT));
  browser = await launchChromium();
  adminId = uniqueUser('console-admin');
  admin = await apiAs(baseUrl, issuer, adminId, true);
}, LONG);

afterAll(async () => {
  await browser?.close();
});

describe('the web console', () => {
  it(
    'signs in locally, and creates an environment and a group',
    async () => {
      page = await signedInPage(browser, baseUrl, adminId, { platformAdmin: true, screenshot: 'sign-in' });
      await page.getByRole('heading', { name: 'Environments', level: 1 }).waitFor({ timeout: LONG });
      await page.getByLabel('Name').fill('Console story');
      await page.getByLabel('Capacity (bots)').fill('4');
      await page.getByRole('button', { name: 'Create environment' }).click();
      await page.getByRole('link', { name: 'Console story' }).click();
      await page.getByRole('heading', { name: 'Console story', level: 1 }).waitFor({ timeout: LONG });
      await page.getByTestId('capacity').waitFor({ timeout: LONG });
      await page.getByLabel('Name').fill('Invoices');
      await page.getByLabel('Max bots').fill('2');
      await page.getByLabel('Local account').fill(ACCOUNT.username);
      await page.getByLabel('Account password').fill(ACCOUNT.password);
      await page.getByRole('button', { name: 'Create group' }).click({ timeout: LONG });
      await page.getByRole('link', { name: 'Invoices' }).click({ timeout: LONG });
      await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor({ timeout: LONG });
      ({ env, group: group = '' } = idsOf(page.url()));
      expect(group).not.toBe('');
    },
    3 * LONG,
  );

  it(
    'shows runs submitted through the API: bots appear and the runs finish, without a reload',
    async () => {
      const connection = await admin.post<{ id: string }>(`environments/${env}/connections`, { name: 'Console', groupId: group, ...ACCOUNT });
      const flow = await admin.post<{ id: string }>(`environments/${env}/desktop-flows`, { name: 'Pay invoices', definition: { steps: SLOW_FLOW } });
      expect([connection.status, flow.status]).toEqual([201, 201]);
      connectionId = connection.body.id;
      flowId = flow.body.id;
      await markDocument(page);
      for (let i = 0; i < 3; i++) await submitRun();

      await page.getByTestId('bot-row').first().waitFor({ timeout: LONG });
      await page
        .locator('[data-testid="run-row"][data-state="Succeeded"]')
        .nth(2)
        .waitFor({ timeout: 2 * LONG });
      expect(await documentKept(page)).toBe(true);
      await saveScreenshot(page, 'group');

      await page.locator('[data-testid="run-row"]').first().getByRole('link').click();
      await page.getByTestId('run-state').filter({ hasText: 'Succeeded' }).waitFor({ timeout: LONG });
      await saveScreenshot(page, 'run');
      await page.goBack();
    },
    4 * LONG,
  );

  it(
    "toggles maintenance and shows the queue's scaling reason change",
    async () => {
      await page.getByRole('button', { name: 'Turn maintenance on' }).click({ timeout: LONG });
      await page.getByTestId('group-status').filter({ hasText: 'in maintenance' }).waitFor({ timeout: LONG });
      await submitRun();
      await page
        .getByTestId('scaling-reason')
        .filter({ hasText: 'group in maintenance' })
        .waitFor({ timeout: 2 * LONG });
      await saveScreenshot(page, 'group-in-maintenance');
      await page.getByRole('button', { name: 'Turn maintenance off' }).click({ timeout: LONG });
      await page.getByTestId('group-status').filter({ hasNotText: 'in maintenance' }).waitFor({ timeout: LONG });
      await page
        .locator('[data-testid="run-row"][data-state="Succeeded"]')
        .nth(3)
        .waitFor({ timeout: 2 * LONG });
    },
    8 * LONG,
  );

  it(
    'shows an API error with its title and detail',
    async () => {
      const limits = page.getByTestId('group-edit-actions');
      await limits.getByLabel('Max bots').fill('1');
      await limits.getByLabel('Committed bots').fill('2');
      await limits.getByRole('button', { name: 'Save bot limits' }).click();
      const problem = page.getByTestId('problem').filter({ hasText: 'committedBots (2) would exceed maxBots (1)' });
      await problem.waitFor({ timeout: LONG });
      expect(await problem.locator('.problem-title').textContent()).not.toBe('');
      await saveScreenshot(page, 'error');
    },
    2 * LONG,
  );

  it(
    'shows a BasicUser with a User share no edit action',
    async () => {
      const basicId = uniqueUser('console-basic');
      expect([200, 201]).toContain((await admin.put(`environments/${env}/members/${basicId}`, { roles: ['BasicUser'] })).status);
      expect((await admin.put(`environments/${env}/groups/${group}/access`, [{ userId: basicId, permission: 'User' }])).status).toBe(200);
      const basic = await signedInPage(browser, baseUrl, basicId, { width: 390, height: 844 });
      await basic.goto(`${baseUrl}/api/console/#/environments/${env}/groups/${group}`);
      await basic.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor({ timeout: LONG });
      await basic.locator('[data-testid="run-row"]').first().waitFor({ timeout: LONG });
      // maintenance, bot limits, share, cancel, move-to-top, priority, resubmit: all hidden (only Sign out, in the header)
      expect(await basic.locator('main button').allTextContents()).toEqual([]);
      expect(await basic.getByTestId('group-edit-actions').count()).toBe(0);
      await saveScreenshot(basic, 'group-basic-user-phone');
      await basic.context().close();
    },
    2 * LONG,
  );

  it(
    'shows the environment, the environments, and the maintenance and audit logs, by keyboard too',
    async () => {
      await page.goto(`${baseUrl}/api/console/#/environments/${env}`);
      await page.getByRole('link', { name: 'Invoices' }).waitFor({ timeout: LONG });
      await saveScreenshot(page, 'environment');
      await page.getByRole('link', { name: 'audit log' }).click();
      await page.getByRole('cell', { name: 'updateGroup' }).first().waitFor({ timeout: LONG });
      await saveScreenshot(page, 'audit');
      await page.goto(`${baseUrl}/api/console/#/environments/${env}/maintenance`);
      await page.getByRole('heading', { name: 'Maintenance log', level: 1 }).waitFor({ timeout: LONG });
      await page.goto(`${baseUrl}/api/console/#/environments`);
      await page.reload();
      await page.getByRole('link', { name: 'Console story' }).waitFor({ timeout: LONG });
      await saveScreenshot(page, 'environments');
      // keyboard: the first Tab reaches the skip link; links open with Enter
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Skip to content');
      await page.getByRole('link', { name: 'Console story' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Console story', level: 1 }).waitFor({ timeout: LONG });
    },
    2 * LONG,
  );
});
