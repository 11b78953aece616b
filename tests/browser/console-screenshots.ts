import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Where the browser tests leave their screenshots: `.local-cloud/console-screenshots/` unless
 * CONSOLE_SCREENSHOTS_DIR says otherwise (`npm run console:screenshots` points it at docs/console/, whose PNGs
 * docs/console.md shows).
 */
export function screenshotsDir(): string {
  return path.resolve(process.env.CONSOLE_SCREENSHOTS_DIR ?? path.join('.local-cloud', 'console-screenshots'));
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = screenshotsDir();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
