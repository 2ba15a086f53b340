import { PluginContext, SeededRng } from '@rtlab/orchestrator';

export function testContext(seed = 1): PluginContext {
  return {
    nodeId: 'test', key: 'k'.repeat(64), seed, rng: new SeededRng(seed),
    backend: { name: 'cpu', tfBackend: 'cpu', threads: 1, skipped: [] },
    signal: new AbortController().signal, dataRoot: '.', modelRoot: '.', progress: () => undefined, log: () => undefined,
  };
}
