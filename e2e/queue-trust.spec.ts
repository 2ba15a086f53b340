import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Plugin } from '@rtlab/sdk';
import { ArtifactCache } from '../packages/orchestrator/src/cache/artifact-cache';
import { cacheKey } from '../packages/orchestrator/src/cache/cache-key';
import { FileHashes } from '../packages/orchestrator/src/cache/file-hashes';
import { keyDescription } from '../packages/orchestrator/src/cache/node-keys';
import { QueueJobData } from '../packages/orchestrator/src/execute/queue/queue-job';
import { QUEUE_NAME, redisOptions } from '../packages/orchestrator/src/execute/queue/redis-connection';
import { TOY_PLUGINS } from '../packages/orchestrator/src/test-support/toy-registry';
import { RedisServer, startRedis } from './redis-server';
import { nodeRecords, rtlab, set, Started, startRtlab, until, workspace } from './rtlab-cli';

// The queue as an attacker with access to Redis, and as a lab under load and faults, would find it: jobs
// pushed straight into Redis, ten coordinators at once, Redis killed mid-run, a worker with other data.
// The toy plugins keep every node to milliseconds, so what is measured is the queue.
const toy = require(TOY_PLUGINS).plugins as Plugin[];
const pluginNamed = (name: string) => toy.find((p) => p.name === name)!;

const PIPELINE = {
  name: 'trust',
  seed: 3,
  nodes: {
    nums: { kind: 'load', plugin: 'file-bytes', params: { file: 'numbers.bin' } },
    other: { kind: 'load', plugin: 'range', params: { count: 3 } },
    twice: { kind: 'score', plugin: 'scale', inputs: { x: 'nums' } },
    sum: { kind: 'score', plugin: 'sum', inputs: { parts: ['twice', 'other'] } },
    table: { kind: 'table', plugin: 'toy-table', inputs: { rows: 'sum' } },
  },
};

/** Every cache entry's files and their sha256: what must not change when a forged job is refused. */
function snapshot(cacheDir: string): Record<string, string> {
  const files = fs
    .readdirSync(cacheDir, { recursive: true })
    .map(String)
    .filter((f) => /^[0-9a-f]{2}\/[0-9a-f]{64}\//.test(f) && fs.statSync(path.join(cacheDir, f)).isFile());
  return Object.fromEntries(
    files.map((f) => [
      f,
      createHash('sha256')
        .update(fs.readFileSync(path.join(cacheDir, f)))
        .digest('hex'),
    ]),
  );
}

describe('the queue trusts no job: workers check every key, and survive load and a lost Redis', () => {
  const dir = workspace();
  const dataRoot = path.join(dir, 'data');
  const cacheDir = path.join(dir, 'cache');
  const toyLog = path.join(dir, 'toy.log');
  const pipeline = path.join(dir, 'trust.json');
  let redis: RedisServer;
  let queue: Queue;
  let events: QueueEvents;
  const workers: Started[] = [];
  const env = { RTLAB_TOY_LOG: toyLog };

  const startWorker = async (cwd = dir): Promise<Started> => {
    const w = startRtlab(
      cwd,
      'worker',
      '--queue',
      redis.url,
      '--cache-dir',
      cacheDir,
      '--threads',
      '1',
      '--lock-seconds',
      '2',
      '--backend',
      'cpu',
    );
    workers.push(w);
    await until(() => w.stderr().includes('rtlab worker '), 60_000);
    return w;
  };
  const coordinate = (...args: string[]) =>
    startRtlab(dir, 'run', pipeline, '--queue', redis.url, '--cache-dir', cacheDir, '--backend', 'cpu', ...args);
  const finished = async (run: Started) => ({ code: await run.exit, stdout: run.stdout(), stderr: run.stderr() });
  const keyOf = (stderr: string, node: string) => nodeRecords(stderr).find((r) => r.node === node)!.key;
  const ranCount = (node: string) =>
    fs
      .readFileSync(toyLog, 'utf8')
      .split('\n')
      .filter((l) => l === node).length;

  /** Pushes a job as anyone with access to Redis can (a finished job under its id is removed first) and waits until a worker ends it. */
  async function push(data: QueueJobData): Promise<{ failed?: string; job: Job }> {
    await (await queue.getJob(data.outputKey))?.remove();
    const job = await queue.add(data.nodeId, data, { jobId: data.outputKey });
    try {
      await job.waitUntilFinished(events, 30_000);
      return { job };
    } catch (e) {
      return { failed: (e as Error).message, job };
    }
  }

  /** A job for a node of this pipeline with a key computed honestly from its (possibly hostile) description. */
  function jobFor(node: 'nums' | 'other', params: Record<string, unknown>): QueueJobData {
    const plugin = pluginNamed(node === 'nums' ? 'file-bytes' : 'range');
    const { key, canonical } = cacheKey(
      keyDescription(
        { kind: 'load', plugin, params, seed: 3, inputs: {}, inputNodes: {} },
        { dataRoot, modelRoot: dataRoot },
        new FileHashes(path.join(dir, 'attacker')),
      ),
    );
    return {
      kind: 'load',
      plugin: plugin.name,
      params: params as QueueJobData['params'],
      seed: 3,
      nodeId: node,
      key,
      outputKey: key,
      inputKeys: {},
      dataRoot,
      modelRoot: dataRoot,
      producer: { node, plugin: `load/${plugin.name}`, version: plugin.version, canonical },
      coordinator: 'attacker',
    };
  }

  beforeAll(async () => {
    Object.assign(process.env, env);
    fs.writeFileSync(
      path.join(dir, 'rtlab.config.json'),
      JSON.stringify({ plugins: [TOY_PLUGINS], cacheDir: 'cache', runsDir: 'runs', dataRoot: 'data' }),
    );
    fs.writeFileSync(pipeline, JSON.stringify(PIPELINE));
    fs.mkdirSync(dataRoot);
    fs.writeFileSync(path.join(dataRoot, 'numbers.bin'), Buffer.from([3, 1, 4, 1, 5, 9, 2, 6]));
    fs.writeFileSync(path.join(dir, 'outside.bin'), Buffer.from([66, 66, 66, 66]));
    redis = await startRedis();
    queue = new Queue(QUEUE_NAME, { connection: redisOptions(redis.url) });
    events = new QueueEvents(QUEUE_NAME, { connection: redisOptions(redis.url) });
    await events.waitUntilReady();
    for (let i = 0; i < 3; i++) await startWorker();
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.allSettled([queue?.close(), events?.close()]);
    await redis?.stop();
    for (const k of Object.keys(env)) delete process.env[k];
  });

  it("refuses forged jobs (another node's key, refused params, paths outside the roots), each with its message, and changes no entry", async () => {
    const honest = await finished(coordinate());
    expect([honest.code, honest.stdout]).toEqual([0, expect.stringContaining('| 18 |')]);
    const before = snapshot(cacheDir);
    const twice = (await queue.getJob(keyOf(honest.stderr, 'twice')))!.data as QueueJobData;

    const overwrite = await push({ ...twice, outputKey: keyOf(honest.stderr, 'nums'), replace: true } as QueueJobData);
    expect(overwrite.failed).toMatch(
      /^job [0-9a-f]{12} \(twice\) refused: its output key [0-9a-f]{12} is not its node's key \([0-9a-f]{12}\) \(on worker /,
    );
    const params = await push({
      ...jobFor('other', { count: 3, delayMs: 0, start: 0 }),
      params: { count: -7, extra: 1 },
    });
    expect(params.failed).toMatch(
      /refused: its params are refused by load\/range@1\.0\.0's schema: .*params\.count: must be >= 1, got -7/,
    );
    expect(params.failed).toMatch(/params\.extra: unknown parameter "extra"/);
    for (const file of ['../outside.bin', path.join(dir, 'outside.bin')]) {
      const outside = await push(jobFor('nums', { file, count: 4 }));
      expect(outside.failed).toContain(
        `nums reads "${file}" (${fs.realpathSync(path.join(dir, 'outside.bin'))}), outside this worker's data root ${fs.realpathSync(dataRoot)}`,
      );
      expect(fs.existsSync(path.join(cacheDir, outside.job.id!.slice(0, 2), outside.job.id!))).toBe(false);
    }
    // the honest key of a description that feeds a Table where score/scale takes Scores
    const wrongInput = { ...twice, inputKeys: { x: keyOf(honest.stderr, 'table') } };
    const { key, canonical } = cacheKey(
      keyDescription(
        {
          kind: 'score',
          plugin: pluginNamed('scale'),
          params: twice.params,
          seed: 3,
          inputs: wrongInput.inputKeys,
          inputNodes: { x: 'table' },
        },
        { dataRoot, modelRoot: dataRoot },
        new FileHashes(path.join(dir, 'attacker')),
      ),
    );
    const typed = await push({ ...wrongInput, key, outputKey: key, producer: { ...twice.producer, canonical } });
    expect(typed.failed).toMatch(/refused: its input "x" is a Table, and score\/scale takes a Scores/);
    expect(snapshot(cacheDir)).toEqual(before);

    // a forged replace on a correct description only recomputes the honest result, and keeps the entry there
    const replaced = await push({ ...twice, replace: true } as QueueJobData);
    expect(replaced.failed).toBeUndefined();
    expect(snapshot(cacheDir)).toEqual(before);
    const stored = await new ArtifactCache(cacheDir).get(twice.key);
    expect(Array.from(stored!.tensors.values.data)).toEqual([6, 2, 8, 2]);

    // a job for a plugin no worker has fails, naming it, and every worker runs on
    const unknown = await push({ ...jobFor('other', { count: 3, delayMs: 0, start: 0 }), plugin: 'no-such-plugin' });
    expect(unknown.failed).toMatch(/^other needs plugin load\/no-such-plugin, which worker \S+ does not have/);
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
  }, 60_000);

  it('ten coordinators started at once on one pipeline with three workers: every node computed once, every table identical', async () => {
    const changed = set('nums.count=6', 'other.delayMs=300');
    const nodes = ['nums', 'other', 'twice', 'sum', 'table'];
    const ranBefore = nodes.map(ranCount);
    const runs = await Promise.all(Array.from({ length: 10 }, () => finished(coordinate(...changed))));
    expect(runs.map((r) => r.code)).toEqual(Array(10).fill(0));
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    for (const node of nodes) {
      const statuses = runs.map((r) => nodeRecords(r.stderr).find((n) => n.node === node)!.status);
      expect([node, statuses.filter((s) => s === 'computed').length]).toEqual([node, 1]);
      expect(statuses.every((s) => ['computed', 'joined', 'hit'].includes(s))).toBe(true);
    }
    expect(nodes.map((n, i) => ranCount(n) - ranBefore[i])).toEqual([1, 1, 1, 1, 1]); // the workers' own count
  }, 60_000);

  it('Redis killed (SIGKILL) and restarted empty mid-run: the coordinator pushes its jobs again and prints the table of a local run; every entry reads back', async () => {
    const changed = set('nums.count=7', 'other.delayMs=3000');
    const local = rtlab(dir, 'run', pipeline, ...changed, '--cache-dir', 'local-cache', '--backend', 'cpu');
    expect(local.code).toBe(0);
    const run = coordinate(...changed);
    await until(() => run.stderr().includes('other running'), 20_000);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 500));
    redis = await startRedis({ port: redis.port });
    const done = await finished(run);
    expect([done.code, done.stdout]).toEqual([0, local.stdout]);
    const again = await finished(coordinate(...changed));
    expect([again.code, again.stdout]).toEqual([0, local.stdout]);
    expect(new Set(nodeRecords(again.stderr).map((r) => r.status))).toEqual(new Set(['hit']));
    const cache = new ArtifactCache(cacheDir);
    for (const { key } of nodeRecords(again.stderr)) expect(await cache.get(key)).toBeDefined();
  }, 90_000);

  it("a worker whose copy of the data differs from the coordinator's refuses the job, naming the file, and stores nothing", async () => {
    for (const w of workers.splice(0)) {
      w.child.kill('SIGTERM');
      await w.exit;
    }
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(path.join(elsewhere, 'data'), { recursive: true });
    fs.writeFileSync(
      path.join(elsewhere, 'rtlab.config.json'),
      JSON.stringify({ plugins: [TOY_PLUGINS], dataRoot: 'data' }),
    );
    fs.writeFileSync(path.join(elsewhere, 'data/numbers.bin'), Buffer.from([2, 7, 1, 8, 2, 8, 1, 8]));
    await startWorker(elsewhere);
    const run = await finished(coordinate(...set('nums.count=8')));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /error: node "nums" failed: job [0-9a-f]{12} \(nums\) refused: its key is not the key of its node as this worker describes it: data file "numbers\.bin" differs on this worker \(fingerprint [0-9a-f]{16} in the job, [0-9a-f]{16} here\) \(on worker [^;]+; data root here .*\/elsewhere\/data, the coordinator's .*\/data;/,
    );
    expect(fs.existsSync(path.join(cacheDir, keyOf(run.stderr, 'nums').slice(0, 2), keyOf(run.stderr, 'nums')))).toBe(
      false,
    );
  }, 60_000);
});
