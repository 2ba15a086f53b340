import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { useSoftwareAdapter } from '../packages/backends/src/webgpu/test-support/software-adapter';
import { ArtifactCache } from '../packages/orchestrator/src/cache/artifact-cache';
import { nodeRecords, ROOT, rtlab, set, workspace } from './rtlab-cli';

// The GPU path on Mesa's software device (lavapipe), which `npm test` installs: the default experiment
// at a tiny size on webgpu beside the same run on wasm. Pretraining uses SGD, whose step is a continuous
// function of the gradient; Adam's first steps are sign steps, like Linf-PGD's (see below).
const PIPELINE = path.join(ROOT, 'pipelines/dsprites-regression.json');
const TINY = set(
  'train.count=160',
  'test.count=12',
  'net-{pre}.epochs=1',
  'net-{pre}.batchSize=64',
  'net-{pre}.optimizer=sgd',
  'net-{pre}.adversarial.steps=1',
  'probe-{pre}-{fov}.epochs=2',
  'as-{pre}-{attack}.steps=3',
  'loss-{pre}-{fov}-{attack}.steps=3',
);

type Row = { pre: string; attack: string; fov: string; lhs: number; rhs: number; holds: boolean };
const scoresOf = (stderr: string): Row[] => {
  const dir = path.dirname(/record: (.*record\.jsonl)/.exec(stderr)![1]);
  return JSON.parse(fs.readFileSync(path.join(dir, 'table.json'), 'utf8')).scores;
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);

/** Per tensor of two cached artifacts: max |a - b| / max |a|. */
async function tensorDifferences(a: ArtifactCache, b: ArtifactCache, key: string): Promise<Record<string, number>> {
  const [x, y] = [(await a.get(key))!, (await b.get(key))!];
  return Object.fromEntries(
    Object.entries(x.tensors).map(([name, t]) => {
      const u = y.tensors[name].data;
      let [diff, scale] = [0, 0];
      t.data.forEach(
        (v: number, i: number) => ([diff, scale] = [Math.max(diff, Math.abs(v - u[i])), Math.max(scale, Math.abs(v))]),
      );
      return [name, diff / Math.max(scale, 1e-30)];
    }),
  );
}

/** The nodes a run computed whose ids match, with their keys. */
const computed = (stderr: string, id: RegExp) => nodeRecords(stderr).filter((n) => id.test(n.node));

describe('--backend webgpu on a software adapter', () => {
  const dir = workspace();
  beforeAll(() => useSoftwareAdapter());

  it('runs the default experiment at a tiny size, records the adapter, exits, and agrees with wasm', async () => {
    const gpu = rtlab(dir, 'run', PIPELINE, ...TINY, '--backend', 'webgpu', '--cache-dir', 'cache-webgpu');
    expect(gpu.stderr).not.toMatch(/leaked|warning:/);
    expect(gpu.code).toBe(0);
    expect(gpu.stderr).toMatch(/backend: webgpu \(tfjs 'webgpu', 1 thread, .*llvmpipe.*\(software\)\)/);
    const record = /record: (.*record\.jsonl)/.exec(gpu.stderr)![1];
    expect(JSON.parse(fs.readFileSync(record, 'utf8').split('\n')[0])).toMatchObject({
      backend: 'webgpu',
      device: expect.stringMatching(/llvmpipe/),
    });

    const wasm = rtlab(dir, 'run', PIPELINE, ...TINY, '--backend', 'wasm', '--cache-dir', 'cache-wasm');
    expect(wasm.code).toBe(0);
    // Every node without a sign step (the networks pretrained without PGD, their features, the probes:
    // loading, convolutions and batch norm in training mode, SGD, Adam on the probe) agrees to 1e-4.
    const smooth = computed(gpu.stderr, /^(net|features|probe)-(random|standard)/);
    expect(smooth).toHaveLength(12);
    const [cacheGpu, cacheWasm] = ['cache-webgpu', 'cache-wasm'].map((c) => new ArtifactCache(path.join(dir, c)));
    const apart: string[] = [];
    for (const { node, key } of smooth) {
      for (const [name, d] of Object.entries(await tensorDifferences(cacheGpu, cacheWasm, key)))
        if (!(d <= 1e-4)) apart.push(`${node} ${name}: ${d}`);
    }
    expect(apart).toEqual([]);
    const [g, w] = [scoresOf(gpu.stderr), scoresOf(wasm.stderr)];
    expect(g).toHaveLength(24);
    g.forEach((row, i) => {
      expect(row.holds).toBe(true);
      // No sign step: the L2 AS of the random representation differs only where rounding puts an
      // activation on the other side of a ReLU kink (about 1e-4).
      if (row.pre === 'random' && row.attack === 'l2') expect(rel(row.rhs, w[i].rhs)).toBeLessThan(1e-3);
      // Linf-PGD's sign steps (in the attacks and in adversarial pretraining) turn a rounding difference at
      // a near-zero gradient component into a step of 2 eps on one pixel, which the next steps amplify:
      // cells differ by up to about 1e-2 here (cpu and wasm do too), never by a wrong kernel's 1e0.
      expect(rel(row.lhs, w[i].lhs)).toBeLessThan(5e-2);
      expect(rel(row.rhs, w[i].rhs)).toBeLessThan(5e-2);
    });
  }, 300_000);

  it('fine-tunes every parameter of a network (SGD, batch norm in training mode) as wasm does', async () => {
    const ft = [
      path.join(ROOT, 'pipelines/dsprites-finetune.json'),
      '--only',
      'tuned-standard-ft',
      ...set(
        'train.count=160',
        'net-{pre}.epochs=1',
        'net-{pre}.batchSize=64',
        'net-{pre}.optimizer=sgd',
        'tuned-{pre}-{mode}.batchSize=32',
      ),
    ];
    const gpu = rtlab(dir, 'run', ...ft, '--backend', 'webgpu', '--cache-dir', 'cache-webgpu');
    expect(gpu.stderr).not.toMatch(/leaked|warning:/);
    expect(gpu.code).toBe(0);
    const wasm = rtlab(dir, 'run', ...ft, '--backend', 'wasm', '--cache-dir', 'cache-wasm');
    expect(wasm.code).toBe(0);
    const [tuned] = computed(gpu.stderr, /^tuned-standard-ft$/);
    const [cacheGpu, cacheWasm] = ['cache-webgpu', 'cache-wasm'].map((c) => new ArtifactCache(path.join(dir, c)));
    const [g, w] = await Promise.all(
      [cacheGpu, cacheWasm].map(async (c) => ((await c.get(tuned.key))!.meta.training as { loss: number[] }).loss),
    );
    expect(g).toHaveLength(2);
    g.forEach((loss, i) => expect(rel(loss, w[i])).toBeLessThan(1e-4));
    const differences = Object.values(await tensorDifferences(cacheGpu, cacheWasm, tuned.key));
    expect(differences.length).toBeGreaterThan(20);
    expect(differences.filter((d) => !(d <= 1e-4))).toEqual([]);
  }, 300_000);

  it('a script that uses webgpu and releases it exits with 0 (Dawn crashed an exit that followed the release at once)', () => {
    const script = `const { selectBackend, releaseBackend } = require('./packages/backends/dist/index.js');
      const tf = require('@tensorflow/tfjs-core');
      selectBackend('webgpu').then(async () => { await tf.add(tf.scalar(1), 1).data(); await releaseBackend(); });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.signal]).toEqual([0, null]);
  });

  it("auto keeps Dawn's native messages out of a run's output (it probes the adapter in a child process); --debug shows them", () => {
    const quiet = rtlab(dir, 'run', PIPELINE, '--only', 'train', ...set('train.count=8'), '--cache-dir', 'cache-quiet');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toMatch(/^rtlab: .* backend: wasm .*webgpu: only a software adapter \(.*llvmpipe/m);
    expect(quiet.stderr).not.toMatch(/Warning|artificially reduced/);
    const debug = rtlab(
      dir,
      'run',
      PIPELINE,
      '--only',
      'train',
      ...set('train.count=8'),
      '--cache-dir',
      'cache-quiet',
      '--debug',
    );
    expect(debug.code).toBe(0);
    expect(debug.stderr).toMatch(/^Warning: maxDynamic\w+ artificially reduced/m);
  });

  it('fails with a clear message, and no fallback, where no adapter exists', () => {
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'packages/orchestrator/bin/rtlab.js'), 'run', PIPELINE, ...TINY, '--backend', 'webgpu'],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, VK_DRIVER_FILES: '/nonexistent/icd.json', FORCE_COLOR: '0' },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: no tensor backend could be started \(webgpu: no WebGPU adapter/m);
    expect(r.stderr).not.toMatch(/backend: wasm|\n\s+at .*\.js:\d+/);
  });
});
