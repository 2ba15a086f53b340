import * as fs from 'node:fs';
import puppeteer, { Browser, Page } from 'puppeteer-core';

/** Debian's chromium, which tools/install-test-deps.sh installs; puppeteer-core downloads nothing. */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run tools/install-test-deps.sh as root (apt-get install -y chromium)`);
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

/** Opens a file in a new page and collects every console error and page error it raises. */
export async function openFile(browser: Browser, file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  return { page, errors };
}
