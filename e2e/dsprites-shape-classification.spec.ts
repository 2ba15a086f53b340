import * as path from 'node:path';
import { ROOT, rtlab, set, statuses, workspace } from './rtlab-cli';

/** The shared nodes at the sizes of dsprites-regression.spec.ts, so the two pipelines share cache entries. */
const SHARED = set(
  'train.count=160',
  'test.count=12',
  'net-{pre}.epochs=1',
  'net-{pre}.batchSize=64',
  'net-{pre}.adversarial.steps=1',
  'as-{pre}-{attack}.steps=3',
);

describe('pipelines/dsprites-shape-classification.json at a tiny size', () => {
  const dir = workspace();

  it('reuses the representations and AS attacks of dsprites-regression, and prints Theorem 2, Lemma 1 and CE by pretraining and attack', () => {
    const regression = rtlab(
      dir,
      'run',
      path.join(ROOT, 'pipelines/dsprites-regression.json'),
      ...SHARED,
      ...set('probe-{pre}-{fov}.epochs=1', 'loss-{pre}-{fov}-{attack}.steps=1'),
    );
    expect(regression.code).toBe(0);
    const r = rtlab(
      dir,
      'run',
      path.join(ROOT, 'pipelines/dsprites-shape-classification.json'),
      ...SHARED,
      ...set('probe-{pre}.epochs=3', 'ce-{pre}-{attack}.steps=3'),
    );
    expect(r.stderr).not.toMatch(/leaked|warning|error/);
    expect(r.code).toBe(0);
    const hits = Object.entries(statuses(r.stderr))
      .filter(([, s]) => s === 'hit')
      .map(([n]) => n.split('-')[0]);
    expect(new Set(hits)).toEqual(new Set(['train', 'test', 'init', 'net', 'features', 'as']));
    expect(r.stdout).toContain('| pre |  | linf | l2 |');
    for (const pre of ['random', 'standard', 'adversarial']) {
      for (const value of ['clean acc.', 'robust acc.', 'prop. fulfilled', 'rob. fulfilled', 'Diff. CE', 'LHS', 'AS']) {
        expect(r.stdout).toMatch(
          new RegExp(`\\| ${pre} \\| ${value.replace('.', '\\.')} \\| [–0-9.e-]+ \\| [–0-9.e-]+ \\|`),
        );
      }
    }
  });
});
