import * as fs from 'node:fs';
import { BackendInfo, DEFAULT_PART_BYTES, PluginContext, RtlabError, SeededRng } from '@rtlab/sdk';
import { ProgressReporter } from '../progress/progress-reporter';
import { seedOfKey } from '../cache/node-keys';

export interface ContextServices {
  backend: BackendInfo;
  reporter: ProgressReporter;
  dataRoot: string;
  modelRoot: string;
  /** See PluginContext.inputNodes. */
  inputNodes?: Record<string, string | string[]>;
  /** See PluginContext.partBytes (default DEFAULT_PART_BYTES). */
  partBytes?: number;
  /** Where the run may write files its result keeps on disk (see PluginContext.scratchDir). */
  scratchDir?: string;
}

/** The services one node run receives; the seed comes from the node's key, so it is stable across reruns. */
export function nodeContext(
  nodeId: string,
  key: string,
  signal: AbortSignal,
  s: ContextServices,
  firstSample = 0,
): PluginContext {
  const seed = seedOfKey(key);
  return {
    nodeId,
    key,
    seed,
    rng: new SeededRng(seed),
    backend: s.backend,
    signal,
    dataRoot: s.dataRoot,
    modelRoot: s.modelRoot,
    firstSample,
    partBytes: s.partBytes ?? DEFAULT_PART_BYTES,
    inputNodes: s.inputNodes ?? {},
    scratchDir: () => {
      if (!s.scratchDir) throw new RtlabError('plugin', `${nodeId}: this run has no scratch folder for files`);
      fs.mkdirSync(s.scratchDir, { recursive: true });
      return s.scratchDir;
    },
    progress: (done, total, note) => s.reporter.nodeProgress(nodeId, done, total, note),
    log: (message) => s.reporter.info(`  [${nodeId}] ${message}`),
  };
}
