import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeRecords, ROOT, rtlab, set, Started, startRtlab, untagged, until, workspace } from './rtlab-cli';
import { RedisServer, startRedis } from './redis-server';

// Coordinators (rtlab run --queue) and worker processes (rtlab worker) on a Redis started for the test.
const PIPELINE = path.join(ROOT, 'pipelines/dsprites-regression.json');
const TINY = [
  'train.count=160',
  'test.count=12',
  'net-{pre}.epochs=1',
  'net-{pre}.batchSize=64',
  'net-{pre}.adversarial.steps=1',
  'probe-{pre}-{fov}.epochs=2',
  'as-{pre}-{attack}.steps=3',
  'loss-{pre}-{fov}-{attack}.steps=3',
];
const SHARED = 'shared-cache';

describe('rtlab on a Redis queue (BullMQ): a coordinator, worker processes and a shared cache', () => {
  const dir = workspace();
  let redis: RedisServer;
  const workers: Started[] = [];

  const startWorker = async (): Promise<Started> => {
    const w = startRtlab(
      dir,
      'worker',
      '--queue',
      redis.url,
      '--cache-dir',
      SHARED,
      '--threads',
      '1',
      '--lock-seconds',
      '2',
      '--backend',
      'wasm',
    );
    workers.push(w);
    await until(() => w.stderr().includes('rtlab worker '), 60_000);
    return w;
  };
  const coordinate = (...args: string[]) =>
    startRtlab(dir, 'run', PIPELINE, '--queue', redis.url, '--cache-dir', SHARED, ...args);
  const finished = async (run: Started) => ({ code: await run.exit, stdout: run.stdout(), stderr: run.stderr() });
  const workerName = (w: Started) => `${os.hostname()}:${w.child.pid}`;

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 3; i++) await startWorker();
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('a coordinator and three workers print the table of a local run', async () => {
    const local = rtlab(dir, 'run', PIPELINE, ...set(...TINY), '--cache-dir', 'local-cache');
    expect(local.code).toBe(0);
    const run = await finished(coordinate(...set(...TINY)));
    expect([run.code, run.stderr]).toEqual([0, expect.not.stringMatching(/warning|error/)]);
    expect(run.stdout).toBe(local.stdout);
    const records = nodeRecords(run.stderr);
    expect(new Set(records.map((r) => r.status))).toEqual(new Set(['computed']));
    const used = new Set(records.flatMap((r) => r.workers ?? []));
    expect(used.size).toBeGreaterThan(1);
    for (const name of used) expect(workers.map(workerName)).toContain(name);
  }, 180_000);

  it('--force runs a node again on the queue, although its finished job is still kept', async () => {
    const before = workers.map((w) => w.stderr().length);
    const run = await finished(coordinate(...set(...TINY), '--only', 'as-random-linf', '--force', 'as-random-linf'));
    expect(run.code).toBe(0);
    expect(nodeRecords(run.stderr).find((r) => r.node === 'as-random-linf')!.status).toBe('computed');
    const ran = workers
      .flatMap((w, i) => w.stderr().slice(before[i]).split('\n'))
      .filter((l) => l.startsWith('✓ as-random-linf computed'));
    expect(ran).toHaveLength(1);
  }, 120_000);

  it('a sharded node on the queue, its data kept in files (--part-bytes), stores the bytes of one local run', async () => {
    const only = ['--only', 'as-random-linf'];
    const local = rtlab(
      dir,
      'run',
      PIPELINE,
      ...set(...TINY, 'as-{pre}-{attack}.steps=4'),
      ...only,
      '--cache-dir',
      'local-cache',
    );
    const run = await finished(
      coordinate(
        ...set(...TINY, 'as-{pre}-{attack}.steps=4'),
        ...only,
        '--shards',
        '3',
        '--force',
        'test',
        '--part-bytes',
        '20000',
      ),
    );
    expect([local.code, run.code]).toEqual([0, 0]);
    const entry = (cache: string, node: string) => {
      const key = nodeRecords(run.stderr).find((r) => r.node === node)!.key;
      return path.join(dir, cache, key.slice(0, 2), key);
    };
    expect(
      fs
        .readdirSync(entry(SHARED, 'test'))
        .filter((f) => f.endsWith('.bin'))
        .map(untagged)
        .sort(),
    ).toEqual(['f0.0.bin', 'f0.1.bin', 'f0.2.bin']); // 12 images of 64x64, 4 per file
    expect(nodeRecords(local.stderr).find((r) => r.node === 'as-random-linf')!.key).toBe(
      nodeRecords(run.stderr).find((r) => r.node === 'as-random-linf')!.key,
    );
    const tensors = (cache: string) =>
      fs.readFileSync(path.join(entry(cache, 'as-random-linf'), 'tensors.safetensors'));
    expect(tensors(SHARED).equals(tensors('local-cache'))).toBe(true);
  }, 180_000);

  it('a worker SIGKILLed mid-node: its job goes back to the queue, another worker finishes it, the table is identical', async () => {
    const slow = set(...TINY, 'net-{pre}.epochs=6');
    const local = rtlab(dir, 'run', PIPELINE, ...slow, '--cache-dir', 'local-cache');
    expect(local.code).toBe(0);
    const before = workers.map((w) => w.stderr().length);
    const coordinator = coordinate(...slow);
    let victim: Started | undefined;
    await until(
      () =>
        (victim = workers.find((w, i) => w.stderr().slice(before[i]).includes('… net-adversarial running'))) !==
        undefined,
      120_000,
    );
    victim!.child.kill('SIGKILL');
    await victim!.exit;
    workers.splice(workers.indexOf(victim!), 1);
    await startWorker();
    const run = await finished(coordinator);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(local.stdout);
    const net = nodeRecords(run.stderr).find((r) => r.node === 'net-adversarial')!;
    expect(net.status).toBe('computed');
    expect(net.workers).not.toContain(workerName(victim!));
  }, 240_000);

  it('a coordinator killed mid-run: rerun, it takes what is cached and joins the jobs still queued', async () => {
    const changed = set(...TINY, 'loss-{pre}-{fov}-{attack}.steps=4');
    const local = rtlab(dir, 'run', PIPELINE, ...changed, '--cache-dir', 'local-cache');
    const first = coordinate(...changed);
    await until(() => /✓ loss-/.test(first.stderr()), 120_000);
    first.child.kill('SIGKILL');
    await first.exit;
    const rerun = await finished(coordinate(...changed));
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toBe(local.stdout);
    const status = nodeRecords(rerun.stderr).map((r) => r.status);
    expect(status).toContain('hit');
    expect(status.filter((s) => s !== 'hit').length).toBeGreaterThan(0);
  }, 240_000);

  it('two coordinators started together compute every node once', async () => {
    const changed = set(...TINY, 'probe-{pre}-{fov}.epochs=3');
    const before = workers.map((w) => w.stderr().length);
    const [a, b] = await Promise.all([finished(coordinate(...changed)), finished(coordinate(...changed))]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.stdout).toBe(a.stdout);
    const [ra, rb] = [nodeRecords(a.stderr), nodeRecords(b.stderr)];
    const computed = [...ra, ...rb].filter((r) => r.status === 'computed').map((r) => r.node);
    for (const { node } of ra) {
      const pair = [ra, rb].map((rs) => rs.find((r) => r.node === node)!.status);
      expect([node, pair.every((s) => ['hit', 'computed', 'joined'].includes(s))]).toEqual([node, true]);
      expect([node, pair.filter((s) => s === 'computed').length]).toEqual([
        node,
        pair.every((s) => s === 'hit') ? 0 : 1,
      ]);
    }
    const probes = ra.filter((r) => r.node.startsWith('probe-')).map((r) => r.node);
    expect(probes).toHaveLength(12);
    for (const probe of probes) expect(computed).toContain(probe);
    // the workers agree: each new job ran once
    const ran = workers.flatMap((w, i) =>
      w
        .stderr()
        .slice(before[i])
        .split('\n')
        .filter((l) => l.startsWith('✓ '))
        .map((l) => l.split(' ')[1]),
    );
    expect(ran.sort()).toEqual(computed.sort());
  }, 240_000);

  it('a node failing on a worker names the node, the cause and the worker; its descendants are skipped', async () => {
    const run = await finished(coordinate(...set(...TINY, 'net-{pre}.lr=1e38'), '--only', 'features-standard'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `error: node "net-standard" failed: .*(NaN|Infinity).*learning rate.* \\(on worker ${os.hostname()}:\\d+\\)`,
      ),
    );
    expect(run.stderr).toContain('- features-standard skipped: "net-standard" failed');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('a job for a plugin a worker lacks fails, naming both, and the worker runs on; a worker whose threads keep crashing hands its job back and stops; a fit worker finishes it', async () => {
    const example = path.join(ROOT, 'examples/custom-attack');
    const config = (name: string, plugins: string[]) => {
      const cwd = path.join(dir, name);
      fs.mkdirSync(cwd);
      fs.writeFileSync(
        path.join(cwd, 'rtlab.config.json'),
        JSON.stringify({ plugins, cacheDir: path.join(dir, SHARED), runsDir: 'runs' }),
      );
      return cwd;
    };
    const crashModule = path.join(dir, 'crash-off-main-thread.js');
    fs.writeFileSync(
      crashModule,
      "if (!require('node:worker_threads').isMainThread) throw new Error('cannot load on a worker thread');\nmodule.exports = { plugins: [] };\n",
    );
    const withPlugin = config('with-fgsm', [path.join(example, 'fgsm.js')]);
    const crashing = config('crashing', [path.join(example, 'fgsm.js'), crashModule]);
    const startIn = (cwd: string) =>
      startRtlab(cwd, 'worker', '--queue', redis.url, '--threads', '1', '--lock-seconds', '2', '--backend', 'wasm');
    for (const w of workers.splice(1)) w.child.kill('SIGKILL'); // one worker without the plugin stays
    const [plain] = workers;
    const lacking = await finished(
      startRtlab(withPlugin, 'run', path.join(example, 'pipeline.json'), '--queue', redis.url),
    );
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toMatch(
      new RegExp(
        `error: node "fgsm" failed: fgsm needs plugin attack/fgsm, which worker ${workerName(plain)} does not have`,
      ),
    );
    expect(plain.child.exitCode).toBeNull(); // a forged job could name any plugin: it must not stop the workers
    plain.child.kill('SIGKILL');
    const broken = startIn(crashing);
    workers.push(broken);
    await until(() => broken.stderr().includes('rtlab worker '), 60_000);
    const run = startRtlab(withPlugin, 'run', path.join(example, 'pipeline.json'), '--queue', redis.url);
    expect(await broken.exit).toBe(2);
    expect(broken.stderr()).toMatch(
      /^error: worker \S+ stops: its worker threads keep crashing .*; its job went back to the queue for another worker$/m,
    );
    const fit = startIn(withPlugin);
    workers.push(fit);
    const done = await finished(run);
    expect(done.code).toBe(0);
    expect(nodeRecords(done.stderr).find((r) => r.node === 'fgsm')!.workers).toEqual([workerName(fit)]);
  }, 240_000);

  it('an unreachable Redis is one line naming the URL, for coordinators and workers', async () => {
    const { url } = await startRedis().then(async (r) => (await r.stop(), r));
    for (const args of [
      ['run', PIPELINE, '--queue', url],
      ['worker', '--queue', url],
    ]) {
      const r = rtlab(dir, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^error: cannot reach Redis at ${url.replace(/\./g, '\\.')}: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+$`,
          'm',
        ),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});
