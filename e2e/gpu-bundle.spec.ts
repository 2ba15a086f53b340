import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './rtlab-cli';

// The GPU bundle (tools/gpu-bundle.sh) as a bare GPU machine would take it: built here, then run with this
// machine's own Node.js out of reach (a mount namespace bind-mounts /dev/null over it), so that a file
// missing from the bundle fails here rather than in a GPU slot. The rehearsal runs every step of the check
// on Mesa's software device at tiny sizes.
const MAX_MIB = 48;

/** Runs a shell command with this machine's `node` binary hidden (as root: `unshare -m`). */
function withoutNode(command: string, timeout: number) {
  const node = fs.realpathSync(process.execPath);
  const script = `mount --bind /dev/null ${node} && if node --version > /dev/null 2>&1; then echo "node is still reachable"; exit 99; fi; ${command}`;
  return spawnSync('unshare', ['-m', 'bash', '-c', script], { encoding: 'utf8', timeout });
}

describe('the GPU bundle', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-gpu-bundle-'));
  const bundle = path.join(dir, 'bundle');
  let built: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    built = spawnSync('bash', [path.join(ROOT, 'tools/gpu-bundle.sh'), bundle], { encoding: 'utf8', timeout: 300_000 });
  }, 300_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`builds into one folder of at most ${MAX_MIB} MiB and says its size`, () => {
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const bytes = fs.readdirSync(bundle).reduce((sum, f) => sum + fs.statSync(path.join(bundle, f)).size, 0);
    expect(bytes).toBeLessThanOrEqual(MAX_MIB * 2 ** 20);
    expect(built.stdout).toContain(`is ${(bytes / 2 ** 20).toFixed(1)} MiB (${bytes} bytes)`);
    expect(fs.readdirSync(bundle).sort()).toEqual(['SHA256SUMS', 'VERSION', 'payload.tar.xz', 'run.sh']);
  });

  it("run.sh --software rehearses every step without this machine's Node.js and writes one JSON that says it is no GPU figure", () => {
    const out = path.join(dir, 'out');
    const r = withoutNode(`bash ${bundle}/run.sh ${out} --software`, 240_000);
    expect(r.stdout).not.toMatch(/FAILED|TIMED OUT/);
    expect(r.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['gpu-check.json', 'gpu-check.log']);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'gpu-check.json'), 'utf8'));
    expect(report).toMatchObject({ passed: true, rehearsal: expect.stringContaining('not GPU figures') });
    expect(Object.values(report.steps).map((s) => (s as { status: string }).status)).toEqual(Array(8).fill('passed'));
    // the same limits bound a GPU run: with run.sh's 5 s to kill each step, under 8 minutes
    expect(
      Object.values(report.steps).reduce((sum: number, s) => sum + (s as { limitS: number }).limitS + 5, 0),
    ).toBeLessThan(8 * 60);
    // the bundle's own Node.js and Vulkan loader (Debian 12 ships none in its base), on lavapipe
    expect(report.machine).toMatchObject({
      node: process.version,
      vulkan: {
        loader: expect.stringMatching(/^the (bundle|system)'s \(/),
        driverFiles: expect.stringMatching(/lvp_icd/),
      },
    });
    expect(report.adapter).toMatchObject({
      software: true,
      adapter: expect.stringMatching(/llvmpipe/),
      limits: { maxStorageBufferBindingSize: expect.any(Number) },
    });
    // auto passes a software adapter by, saying why, and runs on wasm
    expect(report.adapter.auto.picked).toBe('wasm');
    expect(report.adapter.auto.skipped).toContainEqual({
      name: 'webgpu',
      reason: expect.stringMatching(/^only a software adapter/),
    });
    expect(report.kernels.kernels.length).toBeGreaterThan(10);
    expect(report.kernels.kernels.filter((k: { passed: boolean }) => !k.passed)).toEqual([]);

    const names = report.workloads.map((w: { name: string }) => w.name);
    expect(names).toEqual([
      'wrn-10-1-32px-encode-b2',
      'wrn-10-1-32px-pgd-step-b2',
      'wrn-10-1-32px-encode-b8',
      'wrn-10-1-32px-pgd-step-b8',
      'resnet-1.1.1.1-p8-w64-32px-encode-b2',
      'resnet-1.1.1.1-p8-w64-32px-pgd-step-b2',
      'dsprites-cnn-64px-as-pgd2-b4',
    ]);
    for (const w of report.workloads) expect(w.webgpu).toBeGreaterThan(0);
    // the projection: 60 000 encodes and 2 x 20 steps on 10 000 images, at the largest batch's rates
    const rate = (name: string) => report.workloads.find((w: { name: string }) => w.name === name).webgpu;
    const minutes =
      (60_000 / rate('wrn-10-1-32px-encode-b8') + (2 * 20 * 10_000) / rate('wrn-10-1-32px-pgd-step-b8')) / 60;
    expect(report.projection.webgpu.totalMinutes).toBeCloseTo(minutes, 6);
    if (report.torch.skipped) {
      expect(report.torch.skipped).toMatch(/cannot import torch/); // PyTorch is optional here; the GPU machine has it
      expect(report.projection.torch).toEqual({ missing: expect.any(String) });
    } else {
      for (const w of report.workloads) expect(w.ratio).toBeCloseTo(w.webgpu / w.torch, 9);
    }

    expect(report.pipeline).toMatchObject({ passed: true, backend: 'webgpu', exit: 0 });
    expect(report.pipeline.table).toMatch(/\| pre \| attack \|/);
    expect(r.stdout).toMatch(/^workload +webgpu img\/s +torch img\/s +ratio$/m);
    expect(r.stdout).toMatch(/^ +webgpu: [\d.]+ min \(encode/m);
  }, 240_000);

  it('on a machine whose only adapter is a software one, fails clearly at the adapter and skips every step that needs a GPU', () => {
    const out = path.join(dir, 'out-no-gpu');
    const r = spawnSync('bash', [path.join(bundle, 'run.sh'), out], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^adapter: FAILED: a software adapter \(.*llvmpipe.*\), not this machine's GPU: its Vulkan driver was not found/m,
    );
    const report = JSON.parse(fs.readFileSync(path.join(out, 'gpu-check.json'), 'utf8'));
    expect(report.passed).toBe(false);
    expect(report.rehearsal).toBeUndefined();
    const status = Object.fromEntries(
      Object.entries(report.steps).map(([name, s]) => [name, (s as { status: string }).status]),
    );
    expect(status).toMatchObject({
      machine: 'passed',
      adapter: 'failed',
      kernels: 'skipped: no GPU adapter',
      pipeline: 'skipped: no GPU adapter',
    });
    for (const name of Object.keys(status).filter((n) => n.startsWith('workloads-')))
      expect(status[name]).toBe('skipped: no GPU adapter');
    expect(report.torch.skipped).toMatch(/cannot import torch|torch\.cuda\.is_available\(\) is false/); // no CUDA here
  }, 120_000);

  it('refuses a damaged copy before it spends any device time, and an output folder it cannot write', () => {
    const copy = path.join(dir, 'damaged');
    fs.cpSync(bundle, copy, { recursive: true });
    const fd = fs.openSync(path.join(copy, 'payload.tar.xz'), 'r+');
    fs.writeSync(fd, Buffer.from([0x42]), 0, 1, 1000);
    fs.closeSync(fd);
    const damaged = spawnSync('bash', [path.join(copy, 'run.sh'), path.join(dir, 'out-damaged')], { encoding: 'utf8' });
    expect([damaged.status, damaged.stdout.trim().split('\n').pop()]).toEqual([
      2,
      'run.sh: the bundle is damaged (a checksum differs): copy .gpu-bundle/ again',
    ]);
    const unwritable = spawnSync('bash', [path.join(bundle, 'run.sh'), '/proc/rtlab-out']);
    expect([unwritable.status, unwritable.stderr.toString().trim()]).toEqual([
      2,
      'run.sh: cannot write to /proc/rtlab-out',
    ]);
  });
});
