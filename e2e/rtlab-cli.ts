import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'packages/orchestrator/bin/rtlab.js');

/** A scratch working folder whose config points cache and runs inside it. */
export function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-e2e-'));
  fs.writeFileSync(path.join(dir, 'rtlab.config.json'), JSON.stringify({ cacheDir: 'cache', runsDir: 'runs' }));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function rtlab(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `--set` options: set('a.b=1', 'c.d=2') -> ['--set', 'a.b=1', '--set', 'c.d=2']. */
export const set = (...s: string[]) => s.flatMap((x) => ['--set', x]);

/** A cache part file's name without its writer's tag: f0.1.<tag>.bin -> f0.1.bin. */
export const untagged = (name: string) => name.replace(/\.[0-9a-f]{8}\.bin$/, '.bin');

/** The node lines of the run whose record the CLI named on stderr. */
export function nodeRecords(
  stderr: string,
): { node: string; key: string; plugin: string; status: string; workers?: string[]; error?: string }[] {
  const file = /record: (.*record\.jsonl)/.exec(stderr)![1];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.type === 'node');
}

/** node -> status of the run whose record the CLI named on stderr. */
export function statuses(stderr: string): Record<string, string> {
  return Object.fromEntries(nodeRecords(stderr).map((l) => [l.node, l.status]));
}

export interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the CLI without waiting; its output accumulates in `stdout()` and `stderr()`. */
export function startRtlab(cwd: string, ...args: string[]): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return { child, stdout: () => out, stderr: () => err, exit: new Promise((resolve) => child.on('exit', resolve)) };
}

/** Polls until the condition holds; throws after the timeout. */
export async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
