import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, startRtlab, until, workspace } from './rtlab-cli';

const PIPELINE = path.join(ROOT, 'pipelines/dsprites-regression.json');
/** An AS attack of a million steps on a few samples: it would run for hours. */
const ENDLESS = ['--only', 'as-random-linf', '--set', 'train.count=64', '--set', 'as-{pre}-{attack}.steps=1000000'];

const entries = (cache: string) =>
  fs.existsSync(cache)
    ? fs
        .readdirSync(cache)
        .filter((d) => d.length === 2)
        .flatMap((d) => fs.readdirSync(path.join(cache, d)))
    : [];

describe('Ctrl-C during a long attack', () => {
  const dir = workspace();

  it.each([
    ['on worker threads', []],
    ['in process', ['--workers', '0']],
  ])(
    'stops within seconds %s: exit 130, no entry for the attack',
    async (_how, extra) => {
      const run = startRtlab(dir, 'run', PIPELINE, ...ENDLESS, ...(extra as string[]));
      await until(() => /as-random-linf (running|\d+%)/.test(run.stderr()));
      await new Promise((r) => setTimeout(r, 1000));
      const before = entries(path.join(dir, 'cache'));
      const sent = Date.now();
      run.child.kill('SIGINT');
      expect(await run.exit).toBe(130);
      expect(Date.now() - sent).toBeLessThan(8000);
      expect(run.stderr()).toMatch(/interrupted/);
      expect(entries(path.join(dir, 'cache'))).toEqual(before);
      expect(before).toHaveLength(4);
    },
    120_000,
  );
});
