import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { Browser } from 'puppeteer-core';
import { launchChromium, openFile } from './browser';
import { nodeRecords, ROOT, rtlab, set, workspace } from './rtlab-cli';

// Reports opened in a real browser (Debian's headless chromium): the default experiment's and the shape
// pipeline's at a tiny size, and the page comparing two runs.
const SHARED = set(
  'train.count=160',
  'test.count=12',
  'net-{pre}.epochs=2',
  'net-{pre}.batchSize=64',
  'net-{pre}.adversarial.steps=1',
  'as-{pre}-{attack}.steps=3',
);
const REGRESSION = [
  path.join(ROOT, 'pipelines/dsprites-regression.json'),
  ...SHARED,
  ...set('probe-{pre}-{fov}.epochs=2', 'loss-{pre}-{fov}-{attack}.steps=1'),
];
const SHAPE = [
  path.join(ROOT, 'pipelines/dsprites-shape-classification.json'),
  ...SHARED,
  ...set('probe-{pre}.epochs=3', 'ce-{pre}-{attack}.steps=3'),
];

/** The report path a run names on its last line. */
function reportOf(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^report: .*report\.html$/);
  return lines.at(-1)!.slice('report: '.length);
}

/** The fraction of a screenshot's pixels that are not white, and how many colours it has. */
async function inked(png: string): Promise<{ share: number; colours: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += info.channels) {
    if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) dark++;
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  return { share: dark / (info.width * info.height), colours: colours.size };
}

describe('HTML reports in a real browser', () => {
  const dir = workspace();
  let browser: Browser;
  let regression: ReturnType<typeof rtlab>;
  let shape: ReturnType<typeof rtlab>;
  beforeAll(async () => {
    regression = rtlab(dir, 'run', ...REGRESSION);
    shape = rtlab(dir, 'run', ...SHAPE, '--png');
    browser = await launchChromium();
  }, 300_000);
  afterAll(() => browser?.close());

  it('the default experiment ends by naming its report, which shows its table and the Lemma 1 plot, without console errors', async () => {
    expect(regression.code).toBe(0);
    const file = reportOf(regression.stderr);
    const { page, errors } = await openFile(browser, file);
    expect(errors).toEqual([]);
    const lemma1Nodes = nodeRecords(regression.stderr).filter((n) => n.plugin === 'score/lemma1').length;
    expect(lemma1Nodes).toBe(24); // 3 pretrainings x 2 attacks x 4 factors
    expect(await page.$$eval('figure[data-plot="lemma1"] .mark-symbol.role-mark path', (p) => p.length)).toBe(
      lemma1Nodes,
    );
    // every table on the page holds the cells of its JSON file, as printed
    const ids = await page.$$eval('table[data-table]', (ts) =>
      ts.map((t) => t.getAttribute('data-table')!).filter((id) => id !== 'params' && id !== 'record'),
    );
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const json = JSON.parse(fs.readFileSync(path.join(path.dirname(file), `${id}.json`), 'utf8')) as {
        header: string[];
        rows: string[][];
      };
      const shown = await page.$eval(`table[data-table="${id}"]`, (t) =>
        [...t.querySelectorAll('tr')].map((r) => [...r.querySelectorAll('th,td')].map((c) => c.textContent)),
      );
      expect(shown).toEqual([json.header, ...json.rows]);
    }
    const shot = path.join(dir, 'default-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const { share, colours } = await inked(shot);
    expect(share).toBeGreaterThan(0.03);
    expect(colours).toBeGreaterThan(20);
    await page.close();
  });

  it("the shape pipeline's report shows a Theorem 2 plot per pretraining and attack, and training curves; --png wrote each plot", async () => {
    expect(shape.code).toBe(0);
    const file = reportOf(shape.stderr);
    const { page, errors } = await openFile(browser, file);
    expect(errors).toEqual([]);
    const theorem2 = await page.$$eval('figure[data-plot="theorem2"]', (fs) =>
      fs.map((f) => [f.id, f.querySelectorAll('.mark-symbol.role-mark path').length]),
    );
    expect(theorem2).toHaveLength(6);
    for (const [, points] of theorem2) expect(points).toBe(12); // every test sample
    expect(
      await page.$$eval('figure[data-plot="training"] .mark-line.role-mark path', (p) => p.length),
    ).toBeGreaterThan(0);
    const pngs = fs.readdirSync(path.join(path.dirname(file), 'plots'));
    expect(pngs).toEqual(
      expect.arrayContaining(['lemma1.png', 'training.png', ...theorem2.map(([id]) => `${id}.png`)]),
    );
    await page.close();
  });

  it('rtlab runs lists both runs; rtlab compare prints what differs and writes a page a browser opens cleanly', async () => {
    const listed = rtlab(dir, 'runs');
    expect(listed.code).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[1]),
    ).toEqual(['dsprites-regression', 'dsprites-shape-classification']);
    const again = rtlab(dir, 'run', ...SHAPE, ...set('ce-{pre}-{attack}.steps=5'));
    expect(again.code).toBe(0);
    const [a, b] = [path.dirname(reportOf(shape.stderr)), path.dirname(reportOf(again.stderr))];
    const compared = rtlab(dir, 'compare', a, b);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain('params that differ (6):');
    expect(compared.stdout).toContain('  ce-random-linf.steps: 3 -> 5');
    expect(compared.stdout).toMatch(/table cells that moved \(\d+\):/);
    const page = /wrote (.*\.html)/.exec(compared.stderr)![1];
    const opened = await openFile(browser, page);
    expect(opened.errors).toEqual([]);
    expect(await opened.page.$$eval('table[data-table="params"] tbody tr', (r) => r.length)).toBe(6);
    await opened.page.screenshot({ path: path.join(dir, 'compare.png') });
    await opened.page.close();
  }, 120_000);

  it('rtlab report rebuilds a report from the record and the cache; a folder that is no run is one line', () => {
    const file = reportOf(shape.stderr);
    const before = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const rebuilt = rtlab(dir, 'report', path.dirname(file));
    expect(rebuilt.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    const wrong = rtlab(dir, 'report', dir);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error: .* is not a run folder: it has no record\.jsonl/);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
  });

  it("rtlab report finds the run's own cache from anywhere; with a cache that lacks its tables it keeps the report and says so", () => {
    const file = reportOf(shape.stderr);
    const before = fs.readFileSync(file, 'utf8');
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-elsewhere-'));
    try {
      expect(rtlab(elsewhere, 'report', path.dirname(file)).code).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe(before);
      const empty = rtlab(elsewhere, 'report', path.dirname(file), '--cache-dir', elsewhere);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(
        /^error: \d+ table and score node\(s\) of this run are not in the cache at .*rtlab-elsewhere-.*: pass the cache the run used with --cache-dir, or rerun the pipeline\n$/,
      );
      expect(fs.readFileSync(file, 'utf8')).toBe(before);
      expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('rtlab compare refuses runs of two pipelines', () => {
    const r = rtlab(dir, 'compare', path.dirname(reportOf(regression.stderr)), path.dirname(reportOf(shape.stderr)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: .* is a run of dsprites-regression and .* one of dsprites-shape-classification: compare two runs of one pipeline\n$/,
    );
    expect(r.stdout).toBe('');
  });
});
