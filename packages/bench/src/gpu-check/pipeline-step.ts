import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StepResult } from './step-file';

/** The default experiment at a tiny size: all 76 nodes, every plugin kind, in about 20 s on a software device. */
const TINY = [
  'train.count=64',
  'test.count=4',
  'net-{pre}.epochs=1',
  'net-{pre}.batchSize=32',
  'net-{pre}.optimizer=sgd',
  'net-{pre}.adversarial.steps=1',
  'probe-{pre}-{fov}.epochs=1',
  'as-{pre}-{attack}.steps=1',
  'loss-{pre}-{fov}-{attack}.steps=1',
].flatMap((s) => ['--set', s]);

/**
 * `rtlab run` end to end with `--backend auto`, which on a GPU machine must take webgpu (a rehearsal on a
 * software adapter names webgpu, since auto rightly passes a software adapter by), and prints its table.
 */
export function pipelineStep(
  cli: string,
  pipeline: string,
  workDir: string,
  rehearsal: boolean,
  timeoutMs: number,
): StepResult {
  fs.mkdirSync(workDir, { recursive: true });
  const backend = rehearsal ? 'webgpu' : 'auto';
  const args = [cli, 'run', pipeline, '--backend', backend, ...TINY, '--cache-dir', path.join(workDir, 'cache')];
  const r = spawnSync(process.execPath, args, {
    cwd: workDir,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 2 ** 20,
  });
  const firstLine = r.stderr.split('\n').find((l) => l.startsWith('rtlab: ')) ?? '';
  const ran = /backend: ([\w-]+) /.exec(firstLine)?.[1];
  const result = {
    command: `rtlab run ${path.basename(pipeline)} --backend ${backend} (tiny --set sizes)`,
    exit: r.status ?? r.signal,
    backend: ran,
    firstLine,
    table: r.stdout,
    stderrTail: r.stderr.split('\n').slice(-15).join('\n'),
  };
  const error = r.error
    ? r.error.message
    : r.status !== 0
      ? `exit ${r.status ?? r.signal}`
      : ran !== 'webgpu'
        ? `ran on ${ran ?? 'an unknown backend'}, not webgpu`
        : undefined;
  return { ...result, passed: error === undefined, ...(error ? { error } : {}) };
}
