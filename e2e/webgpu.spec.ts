import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { useSoftwareAdapter } from '../packages/backends/src/webgpu/test-support/software-adapter';
import { ROOT, rtlab, workspace } from './rtlab-cli';

// The GPU path on Mesa's software device (lavapipe), which `npm test` installs: the default experiment
// at a tiny size on webgpu beside the same run on wasm.
const PIPELINE = path.join(ROOT, 'pipelines/dsprites-regression.json');
const TINY = [
  'train.count=160', 'test.count=12', 'net-{pre}.epochs=1', 'net-{pre}.batchSize=64', 'net-{pre}.adversarial.steps=1',
  'probe-{pre}-{fov}.epochs=2', 'as-{pre}-{attack}.steps=3', 'loss-{pre}-{fov}-{attack}.steps=3',
].flatMap((s) => ['--set', s]);

type Row = { pre: string; attack: string; fov: string; lhs: number; rhs: number; holds: boolean };
const scoresOf = (stderr: string): Row[] => {
  const dir = path.dirname(/record: (.*record\.jsonl)/.exec(stderr)![1]);
  return JSON.parse(fs.readFileSync(path.join(dir, 'table.json'), 'utf8')).scores;
};
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);

describe('--backend webgpu on a software adapter', () => {
  const dir = workspace();
  beforeAll(() => useSoftwareAdapter());

  it('runs the default experiment at a tiny size, records the adapter, exits, and agrees with wasm', () => {
    const gpu = rtlab(dir, 'run', PIPELINE, ...TINY, '--backend', 'webgpu', '--cache-dir', 'cache-webgpu');
    expect(gpu.stderr).not.toMatch(/leaked|warning:/);
    expect(gpu.code).toBe(0);
    expect(gpu.stderr).toMatch(/backend: webgpu \(tfjs 'webgpu', 1 thread, .*llvmpipe.*\(software\)\)/);
    const record = /record: (.*record\.jsonl)/.exec(gpu.stderr)![1];
    expect(JSON.parse(fs.readFileSync(record, 'utf8').split('\n')[0])).toMatchObject({ backend: 'webgpu', device: expect.stringMatching(/llvmpipe/) });

    const wasm = rtlab(dir, 'run', PIPELINE, ...TINY, '--backend', 'wasm', '--cache-dir', 'cache-wasm');
    expect(wasm.code).toBe(0);
    const [g, w] = [scoresOf(gpu.stderr), scoresOf(wasm.stderr)];
    expect(g).toHaveLength(24);
    g.forEach((row, i) => {
      expect(row.holds).toBe(true);
      // No training, no sign: the L2 AS of the random representation differs only where rounding puts an
      // activation on the other side of a ReLU kink (about 1e-4).
      if (row.pre === 'random' && row.attack === 'l2') expect(rel(row.rhs, w[i].rhs)).toBeLessThan(1e-3);
      // Training (Adam) and Linf's sign steps turn rounding at near-zero gradients into different steps:
      // backends differ by about 1e-3 here (cpu and wasm do too), never by a wrong kernel's 1e0.
      expect(rel(row.lhs, w[i].lhs)).toBeLessThan(5e-2);
      expect(rel(row.rhs, w[i].rhs)).toBeLessThan(5e-2);
    });
  }, 300_000);

  it('fine-tunes every parameter of a network (SGD, batch norm in training mode) as wasm does', () => {
    const ft = [path.join(ROOT, 'pipelines/dsprites-finetune.json'), '--only', 'tuned-standard-ft', ...['train.count=160', 'net-{pre}.epochs=1', 'net-{pre}.batchSize=64', 'tuned-{pre}-{mode}.batchSize=32'].flatMap((s) => ['--set', s])];
    const losses = (cache: string, stderr: string): number[] => {
      const key = (fs.readFileSync(/record: (.*record\.jsonl)/.exec(stderr)![1], 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.node === 'tuned-standard-ft')).key;
      return JSON.parse(fs.readFileSync(path.join(dir, cache, key.slice(0, 2), key, 'entry.json'), 'utf8')).meta.training.loss;
    };
    const gpu = rtlab(dir, 'run', ...ft, '--backend', 'webgpu', '--cache-dir', 'cache-webgpu');
    expect(gpu.stderr).not.toMatch(/leaked|warning:/);
    expect(gpu.code).toBe(0);
    const wasm = rtlab(dir, 'run', ...ft, '--backend', 'wasm', '--cache-dir', 'cache-wasm');
    expect(wasm.code).toBe(0);
    const [g, w] = [losses('cache-webgpu', gpu.stderr), losses('cache-wasm', wasm.stderr)];
    expect(g).toHaveLength(2);
    // the pretraining before it (Adam) already differs by rounding between backends: close, not equal
    g.forEach((loss, i) => expect(rel(loss, w[i])).toBeLessThan(2e-2));
  }, 300_000);

  it('fails with a clear message, and no fallback, where no adapter exists', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'packages/orchestrator/bin/rtlab.js'), 'run', PIPELINE, ...TINY, '--backend', 'webgpu'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, VK_DRIVER_FILES: '/nonexistent/icd.json', FORCE_COLOR: '0' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: no tensor backend could be started \(webgpu: no WebGPU adapter/m);
    expect(r.stderr).not.toMatch(/backend: wasm|\n\s+at .*\.js:\d+/);
  });
});
