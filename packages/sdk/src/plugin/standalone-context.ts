import { SeededRng } from '../rng/seeded-rng';
import { PluginContext } from './plugin';

/**
 * A PluginContext for calling a plugin's `run` outside a pipeline: in its tests, or from a script.
 * @example const out = await myPlugin.run({ data }, params, standaloneContext({ seed: 3 }));
 */
export function standaloneContext(options: { seed?: number; dataRoot?: string; modelRoot?: string; signal?: AbortSignal; firstSample?: number } = {}): PluginContext {
  const seed = options.seed ?? 1;
  return {
    nodeId: 'standalone', key: '0'.repeat(64), seed, rng: new SeededRng(seed),
    backend: { name: 'cpu', tfBackend: 'cpu', threads: 1, skipped: [] },
    signal: options.signal ?? new AbortController().signal,
    dataRoot: options.dataRoot ?? '.', modelRoot: options.modelRoot ?? '.', firstSample: options.firstSample ?? 0,
    progress: () => undefined, log: () => undefined,
  };
}
