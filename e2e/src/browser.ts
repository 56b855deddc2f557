import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's chromium (CHROMIUM_PATH to use another), headless, driven by playwright-core, and one page
 * in a context of its own (axe-core/playwright opens pages in the page's context to combine frames).
 */
export async function launchConsoleBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return { browser, page: await context.newPage() };
}
