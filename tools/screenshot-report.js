#!/usr/bin/env node
// Renders the top of a report (its run details, tables and first plot) to PNG in Debian's headless
// chromium, as the README's screenshot is made:
//   node tools/screenshot-report.js runs/dsprites-regression/<time>/report.html docs/default-report.png
const puppeteer = require('puppeteer-core');
const path = require('node:path');

async function main([report, out]) {
  if (!report || !out) throw new Error('usage: node tools/screenshot-report.js REPORT.html OUT.png');
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 800, deviceScaleFactor: 1 });
    await page.goto(`file://${path.resolve(report)}`, { waitUntil: 'load' });
    const bottom = await page.$eval('figure', (f) => f.getBoundingClientRect().bottom + window.scrollY + 16);
    await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1000, height: Math.ceil(bottom) } });
  } finally {
    await browser.close();
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`screenshot-report: ${e.message}`);
  process.exitCode = 1;
});
