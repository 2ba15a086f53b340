import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, rtlab, set, statuses, workspace } from './rtlab-cli';

/** The shared nodes at the sizes of the other dSprites specs; attacks and probes shortened. */
const SMALL = set(
  'train.count=160',
  'test.count=12',
  'net-{pre}.epochs=2',
  'net-{pre}.batchSize=64',
  'net-{pre}.adversarial.steps=1',
  'probe-{pre}-scale.epochs=2',
  'as-{pre}-linf.steps=3',
  'loss-{pre}-scale-linf.steps=3',
  'as-{pre}-{corruption}-{severity}.steps=3',
  'loss-{pre}-{corruption}-{severity}.steps=3',
);

/** The cells of the table's row (pre, corruption, value name), by severity. */
function row(stdout: string, pre: string, corruption: string, value: string): number[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`| ${pre} | ${corruption} | ${value} |`))!;
  return line
    .split('|')
    .slice(4, 8)
    .map((c) => Number(c.trim()));
}

describe('pipelines/dsprites-shift.json at a tiny size', () => {
  const dir = workspace();
  let run: ReturnType<typeof rtlab>;
  beforeAll(() => {
    run = rtlab(dir, 'run', path.join(ROOT, 'pipelines/dsprites-shift.json'), ...SMALL);
  }, 300_000);

  it('corrupts the test set at severities 1, 3, 5 and prints Lemma 1 and AS beside the clean test set', () => {
    expect(run.stderr).not.toMatch(/leaked|warning|error/);
    expect(run.code).toBe(0);
    expect(
      Object.keys(statuses(run.stderr))
        .filter((n) => n.startsWith('shifted-'))
        .sort(),
    ).toEqual(['gaussian-noise', 'zoom-blur'].flatMap((c) => [1, 3, 5].map((s) => `shifted-${c}-${s}`)).sort());
    expect(run.stdout).toContain('| pre | corruption |  | 0 | 1 | 3 | 5 |');
    for (const pre of ['random', 'standard', 'adversarial']) {
      for (const corruption of ['gaussian-noise', 'zoom-blur']) {
        const [lhs, as] = [row(run.stdout, pre, corruption, 'LHS'), row(run.stdout, pre, corruption, 'AS')];
        expect([...lhs, ...as].every(Number.isFinite)).toBe(true);
        lhs.forEach((l, i) => expect(l).toBeLessThanOrEqual(as[i])); // Lemma 1 holds in every cell
      }
      // the clean column is the same computation under both corruptions
      expect(row(run.stdout, pre, 'gaussian-noise', 'AS')[0]).toBe(row(run.stdout, pre, 'zoom-blur', 'AS')[0]);
      // strong Gaussian noise moves the test set away from the training data: AS grows
      const noisy = row(run.stdout, pre, 'gaussian-noise', 'AS');
      expect(noisy[3]).toBeGreaterThan(noisy[0]);
    }
  });

  it('its report plots the scores against the severity', () => {
    const report = /^report: (.*)$/m.exec(run.stderr)![1];
    const html = fs.readFileSync(report, 'utf8');
    expect(html).toContain('<figure data-plot="trend" id="trend-severity">');
    expect(html).toContain('Each score against severity, one line per pre and corruption.');
  });
});
