import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SeededRng } from '../rng/seeded-rng';
import { DEFAULT_PART_BYTES, PluginContext } from './plugin';

/**
 * A PluginContext for calling a plugin's `run` outside a pipeline: in its tests, or from a script.
 * @example const out = await myPlugin.run({ data }, params, standaloneContext({ seed: 3 }));
 */
export function standaloneContext(
  options: {
    seed?: number;
    dataRoot?: string;
    modelRoot?: string;
    signal?: AbortSignal;
    firstSample?: number;
    scratchDir?: string;
    partBytes?: number;
    inputNodes?: Record<string, string | string[]>;
  } = {},
): PluginContext {
  const seed = options.seed ?? 1;
  let scratch = options.scratchDir;
  return {
    nodeId: 'standalone',
    key: '0'.repeat(64),
    seed,
    rng: new SeededRng(seed),
    backend: { name: 'cpu', tfBackend: 'cpu', threads: 1, skipped: [] },
    signal: options.signal ?? new AbortController().signal,
    dataRoot: options.dataRoot ?? '.',
    modelRoot: options.modelRoot ?? '.',
    firstSample: options.firstSample ?? 0,
    progress: () => undefined,
    log: () => undefined,
    partBytes: options.partBytes ?? DEFAULT_PART_BYTES,
    inputNodes: options.inputNodes ?? {},
    scratchDir: () => {
      if (scratch) fs.mkdirSync(scratch, { recursive: true });
      else scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-scratch-'));
      return scratch;
    },
  };
}
