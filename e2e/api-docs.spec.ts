import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './rtlab-cli';

// docs/api is TypeDoc's reference of the plugin API (@rtlab/sdk and the plugin packages' public exports),
// which `npm run build` writes: the committed pages are regenerated from the code here, so docs and code
// cannot drift apart unnoticed.
const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();

describe('the API reference (docs/api)', () => {
  it('is what TypeDoc makes of the code now, every export documented (npm run build, and commit docs/api, if not)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-api-'));
    try {
      const typedoc = path.join(ROOT, 'node_modules/.bin/typedoc');
      const r = spawnSync(typedoc, ['--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect([r.status, r.stdout + r.stderr]).toEqual([0, '']); // warnings are errors: an undocumented export fails here
      const committed = path.join(ROOT, 'docs/api');
      expect(files(out)).toEqual(files(committed));
      for (const f of files(out))
        expect([f, fs.readFileSync(path.join(out, f), 'utf8')]).toEqual([
          f,
          fs.readFileSync(path.join(committed, f), 'utf8'),
        ]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
