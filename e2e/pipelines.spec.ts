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

  it('pipeline.schema.json is the one the installed plugins compose (rerun `npm run rtlab -- schema` if not)', () => {
    const out = path.join(dir, 'schema.json');
    expect(rtlab(dir, 'schema', '--out', out).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(path.join(PIPELINES, 'pipeline.schema.json'), 'utf8'));
  });
});
