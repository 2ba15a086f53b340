import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, rtlab, set, workspace } from './rtlab-cli';

describe('pipelines/dsprites-as-bracket.json at a tiny size', () => {
  const dir = workspace();

  it('brackets AS between the attacks and the bounds for every representation, norm and eps, and prints the table', () => {
    const r = rtlab(
      dir,
      'run',
      path.join(ROOT, 'pipelines/dsprites-as-bracket.json'),
      ...set(
        'train.count=160',
        'bracket-data.count=2',
        'net-{pre}.epochs=1',
        'net-{pre}.batchSize=64',
        'net-{pre}.adversarial.steps=1',
        'probe-{pre}.epochs=3',
        'pgd-{pre}-{norm}-{eps}.steps=2',
        'apgd-{pre}-{norm}-{eps}.steps=3',
        'apgd-{pre}-{norm}-{eps}.restarts=2',
        'crown-{pre}-{norm}-{eps}.crownUnstableLimit=64',
      ),
    );
    expect(r.stderr).not.toMatch(/leaked|warning|error/);
    expect(r.code).toBe(0);
    for (const pre of ['random', 'standard', 'adversarial'])
      for (const norm of ['linf', 'l2'])
        for (const value of [
          'AS PGD',
          'AS APGD',
          'AS <= CROWN',
          'AS <= IBP',
          'upper / lower',
          'Thm 2 (proven)',
          'cert. CROWN',
        ])
          expect(r.stdout).toMatch(
            new RegExp(`\\| ${pre} \\| ${norm} \\| ${value.replace(/[()./<=]/g, '\\$&')} \\|( [–0-9.e-]+ \\|){4}`),
          );
    // the bracket holds in every cell: the upper ends are at least the lower ends
    const cells = (name: string) =>
      [...r.stdout.matchAll(new RegExp(`\\| ${name.replace(/[()./<=]/g, '\\$&')} \\|(.*)\\|`, 'g'))].map((m) =>
        m[1].split('|').map((v) => Number(v.trim())),
      );
    const gaps = cells('upper / lower').flat();
    expect(gaps.length).toBe(24);
    gaps.forEach((g) => expect(g).toBeGreaterThanOrEqual(1 - 1e-4));
    // the report plots both ends against eps, one line per representation and norm
    const report = fs.readFileSync(
      r.stderr
        .trim()
        .split('\n')
        .at(-1)!
        .replace(/^report: /, ''),
      'utf8',
    );
    expect(report).toContain('Scores against eps');
    for (const end of ['AS from below (attacks)', 'AS from above (bounds)']) expect(report).toContain(end);
  });
});
