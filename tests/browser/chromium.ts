import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

/**
 * Flags of @sparticuz/chromium meant for AWS Lambda that a test browser must not have: one process for everything
 * (closing one browser context then takes the whole browser down), and no same-origin policy (the console must work
 * under the browser's ordinary rules).
 */
const LAMBDA_ONLY_FLAGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

/**
 * A real headless Chromium with nothing to download: @sparticuz/chromium ships the binary inside its npm package
 * (unpacked to /tmp on first use), and playwright-core drives it (LOCAL-CLOUD.md, "Chromium").
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  return playwright.launch({ executablePath, args: chromium.args.filter((flag) => !LAMBDA_ONLY_FLAGS.has(flag)), headless: true });
}
