import { PluginContext, SeededRng } from '@rtlab/orchestrator';

/** A PluginContext for calling a plugin's run() directly in a test. */
export function testContext(seed = 1, dataRoot = '.'): PluginContext {
  return {
    nodeId: 'test', key: 'k'.repeat(64), seed, rng: new SeededRng(seed),
    backend: { name: 'cpu', tfBackend: 'cpu', threads: 1, skipped: [] },
    signal: new AbortController().signal, dataRoot, modelRoot: dataRoot,
    progress: () => undefined, log: () => undefined,
  };
}
