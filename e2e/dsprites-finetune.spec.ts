import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, rtlab, set, statuses, workspace } from './rtlab-cli';

/** The shared nodes at the sizes of the other dSprites specs; training and attacks shortened. */
const SMALL = set(
  'train.count=160',
  'test.count=12',
  'net-{pre}.epochs=2',
  'net-{pre}.batchSize=64',
  'net-{pre}.adversarial.steps=1',
  'probe-{pre}.epochs=3',
  'as-{pre}-linf.steps=3',
  'ce-{pre}-linf.steps=3',
  'as-{pre}-{mode}.steps=3',
  'ce-{pre}-{mode}.steps=3',
  'tuned-{pre}-{mode}.batchSize=32',
);

describe('pipelines/dsprites-finetune.json at a tiny size', () => {
  const dir = workspace();
  let run: ReturnType<typeof rtlab>;
  beforeAll(() => {
    run = rtlab(dir, 'run', path.join(ROOT, 'pipelines/dsprites-finetune.json'), ...SMALL);
  }, 300_000);

  it("transfers each representation by LP, FT and LP-FT and prints Tab. 5 and 9's figures of the network after transfer", () => {
    expect(run.stderr).not.toMatch(/leaked|warning|error/);
    expect(run.code).toBe(0);
    expect(
      Object.entries(statuses(run.stderr))
        .filter(([n]) => n.startsWith('tuned-'))
        .map(([n, s]) => `${n} ${s}`)
        .sort(),
    ).toEqual(
      ['adversarial', 'random', 'standard'].flatMap((pre) => [
        `tuned-${pre}-ft computed`,
        `tuned-${pre}-lp-ft computed`,
      ]),
    );
    expect(run.stdout).toContain('| pre |  | lp | ft | lp-ft |');
    for (const pre of ['random', 'standard', 'adversarial']) {
      for (const value of [
        'clean acc\\.',
        'robust acc\\.',
        'AS',
        'Diff\\. CE',
        '\\\\\\|\\\\\\|W\\\\\\|\\\\\\|',
        'LHS',
      ]) {
        // ||W|| is escaped in Markdown: \|\|W\|\|
        expect(run.stdout).toMatch(new RegExp(`\\| ${pre} \\| ${value} \\| [0-9.e-]+ \\| [0-9.e-]+ \\| [0-9.e-]+ \\|`));
      }
      // AS is measured on the network after transfer: fine-tuning changed it, linear probing did not
      const as = run.stdout
        .split('\n')
        .find((l) => l.startsWith(`| ${pre} | AS |`))!
        .split('|')
        .slice(3, 6)
        .map((c) => Number(c.trim()));
      expect(as[1]).not.toBe(as[0]);
      expect(as[2]).not.toBe(as[0]);
    }
  });

  it('its report draws the training curves of every trained node: 2 pretrainings, 3 probes, 6 fine-tunings', () => {
    const html = fs.readFileSync(/^report: (.*)$/m.exec(run.stderr)![1], 'utf8');
    expect(html).toContain('<figure data-plot="training" id="training">');
    expect(html).toContain('and training accuracy of 11 training nodes.');
  });
});
