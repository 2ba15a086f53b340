import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, rtlab, set, statuses, workspace } from './rtlab-cli';

const PIPELINE = path.join(ROOT, 'pipelines/dsprites-regression.json');
/** The default experiment at a tiny size: same graph, fewer samples, epochs and steps. */
const TINY = set(
  'train.count=160',
  'test.count=12',
  'net-{pre}.epochs=1',
  'net-{pre}.batchSize=64',
  'net-{pre}.adversarial.steps=1',
  'probe-{pre}-{fov}.epochs=2',
  'as-{pre}-{attack}.steps=3',
  'loss-{pre}-{fov}-{attack}.steps=3',
);

describe('pipelines/dsprites-regression.json at a tiny size', () => {
  const dir = workspace();
  let first: ReturnType<typeof rtlab>;
  beforeAll(() => {
    first = rtlab(dir, 'run', PIPELINE, ...TINY);
  });

  it('runs end to end and prints the Tab. 7 layout with LHS <= RHS in every cell', () => {
    expect(first.stderr).not.toMatch(/leaked|warning/);
    expect(first.code).toBe(0);
    for (const pre of ['random', 'standard', 'adversarial']) {
      for (const attack of ['linf', 'l2']) {
        expect(first.stdout).toMatch(new RegExp(`\\| ${pre} \\| ${attack} \\| LHS \\|`));
        expect(first.stdout).toMatch(
          new RegExp(`\\| ${pre} \\| ${attack} \\| holds \\| yes \\| yes \\| yes \\| yes \\|`),
        );
      }
    }
    expect(first.stdout).toContain('| pre | attack |  | scale | orientation | posX | posY |');
    const runDir = path.dirname(/record: (.*record\.jsonl)/.exec(first.stderr)![1]);
    expect(fs.readdirSync(runDir).sort()).toEqual([
      'record.jsonl',
      'report.html',
      'table.csv',
      'table.json',
      'table.md',
      'table.tex',
    ]);
  });

  it('reruns from the cache, and a changed probe setting recomputes only probe, attack, score and table nodes', () => {
    const again = rtlab(dir, 'run', PIPELINE, ...TINY);
    expect(again.stdout).toBe(first.stdout);
    expect(new Set(Object.values(statuses(again.stderr)))).toEqual(new Set(['hit']));

    const changed = rtlab(dir, 'run', PIPELINE, ...TINY, '--set', 'probe-{pre}-{fov}.epochs=3');
    expect(changed.code).toBe(0);
    const computed = Object.entries(statuses(changed.stderr))
      .filter(([, s]) => s === 'computed')
      .map(([n]) => n.split('-')[0]);
    const hits = Object.entries(statuses(changed.stderr))
      .filter(([, s]) => s === 'hit')
      .map(([n]) => n.split('-')[0]);
    expect(new Set(computed)).toEqual(new Set(['probe', 'loss', 'lemma1', 'table']));
    expect(new Set(hits)).toEqual(new Set(['train', 'test', 'init', 'net', 'features', 'as']));
  });
});
