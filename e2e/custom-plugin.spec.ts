import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, rtlab, workspace } from './rtlab-cli';

describe('a custom plugin listed in rtlab.config.json (examples/custom-attack)', () => {
  const dir = workspace();
  const example = path.join(ROOT, 'examples/custom-attack');
  fs.writeFileSync(
    path.join(dir, 'rtlab.config.json'),
    JSON.stringify({ plugins: [path.join(example, 'fgsm.js')], cacheDir: 'cache', runsDir: 'runs' }),
  );

  it('is listed, validated against its own schema, and runs in a pipeline', () => {
    expect(rtlab(dir, 'plugins').stdout).toContain('attack/fgsm@1.0.0  (model: Model, data: Dataset) -> AttackResult');
    const pipeline = path.join(example, 'pipeline.json');
    const bad = rtlab(dir, 'run', pipeline, '--set', 'fgsm.steps=3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /#\/nodes\/fgsm\/params\/steps: unknown parameter "steps"; allowed: objective, eps, batchSize/,
    );
    const r = rtlab(dir, 'run', pipeline);
    expect(r.stderr).toMatch(/✓ fgsm computed/);
    expect(r.code).toBe(0);
    const entry = fs
      .readdirSync(path.join(dir, 'cache'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('entry.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, 'cache', f), 'utf8')))
      .find((e) => e.producer.node === 'fgsm');
    expect(entry.meta).toMatchObject({
      attack: 'pgd-linf',
      steps: 1,
      stepSize: 0.0313725,
      randomStart: false,
      count: 32,
    });
    expect(entry.meta.meanLossAdv).toBeGreaterThan(entry.meta.meanLossClean);
  });
});
