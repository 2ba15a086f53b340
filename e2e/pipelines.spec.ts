import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, rtlab, workspace } from './rtlab-cli';

const PIPELINES = path.join(ROOT, 'pipelines');
const files = fs.readdirSync(PIPELINES).filter((f) => f.endsWith('.json') && f !== 'pipeline.schema.json');

describe('pipelines/', () => {
  const dir = workspace();

  it.each(files)('%s validates', (file) => {
    const r = rtlab(dir, 'validate', path.join(PIPELINES, file));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it("a bound whose loss and AS attacks search different balls is a validation error at the bound's inputs", () => {
    const r = rtlab(
      dir,
      'run',
      path.join(PIPELINES, 'dsprites-regression.json'),
      '--set',
      'as-{pre}-{attack}.eps=0.03',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /dsprites-regression\.json:\d+:\d+ #\/nodes\/lemma1-\{pre\}-\{fov\}-\{attack\}\/inputs: ports "loss" and "as" attack with different eps \("loss-random-scale-linf" 0\.0627451, "as-random-linf" 0\.03\)/,
    );
    expect(r.stderr).not.toMatch(/ at /);
  });

  it('a regression probe or fine-tuning without a target is a validation error naming the param, before anything runs', () => {
    for (const [pipeline, node] of [
      ['dsprites-regression.json', 'probe-{pre}-{fov}'],
      ['dsprites-finetune.json', 'tuned-{pre}-{mode}'],
    ]) {
      const pipelineFile = path.join(dir, pipeline);
      const json = JSON.parse(fs.readFileSync(path.join(PIPELINES, pipeline), 'utf8'));
      json.nodes[node].params.task = 'regression';
      delete json.nodes[node].params.target;
      fs.writeFileSync(pipelineFile, JSON.stringify({ ...json, $schema: undefined }, null, 2));
      const r = rtlab(dir, 'run', pipelineFile);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`#/nodes/${node}/params: missing required parameter "target"`);
      expect(r.stderr).not.toMatch(/must match|rtlab: /);
    }
  });

  it('pipeline.schema.json is the one the installed plugins compose (rerun `npm run rtlab -- schema` if not)', () => {
    const out = path.join(dir, 'schema.json');
    expect(rtlab(dir, 'schema', '--out', out).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(path.join(PIPELINES, 'pipeline.schema.json'), 'utf8'));
  });
});
