import * as tf from '@tensorflow/tfjs-core';
import { BackendInfo, Plugin, RtlabError } from '@rtlab/sdk';
import { throwDeviceErrors } from '@rtlab/backends';
import { ProgressReporter } from '../progress/progress-reporter';
import { nodeContext } from './node-context';
import { JobResult, PluginJob } from './plugin-job';
import { pluginFailure } from './plugin-failure';
import { explainWasmFailure } from './wasm-failure';

/** Finds a plugin by kind and name: a PluginRegistry, or the plugins of a resolved pipeline. */
export interface PluginFinder {
  find(kind: string, name: string): Plugin | undefined;
  /** The folder of the plugin's module, where its own stack frames lie (see plugin-failure.ts). */
  originOf?(plugin: Plugin): string | undefined;
}

/**
 * Runs one plugin job on this thread's backend: the one code path every executor ends in, whether the
 * job came from the pipeline run itself or over a worker thread's port. Counts leaked tensors and turns
 * a wasm trap into an error that says what to change.
 */
export async function runPluginJob(
  job: PluginJob,
  plugins: PluginFinder,
  backend: BackendInfo,
  reporter: ProgressReporter,
  signal: AbortSignal,
): Promise<JobResult> {
  const plugin = plugins.find(job.kind, job.plugin);
  if (!plugin) throw new RtlabError('plugin', `no plugin ${job.kind}/${job.plugin} is installed here`);
  const ctx = nodeContext(
    job.nodeId,
    job.key,
    signal,
    {
      backend,
      reporter,
      dataRoot: job.dataRoot,
      modelRoot: job.modelRoot,
      scratchDir: job.scratchDir,
      partBytes: job.partBytes,
      inputNodes: job.inputNodes,
    },
    job.firstSample,
  );
  const before = tf.memory().numTensors;
  let artifact;
  try {
    // through a promise from the start: a run() that throws before its first await is caught the same way
    artifact = await Promise.resolve()
      .then(() => plugin.run(job.inputs, job.params, ctx))
      .catch(explainWasmFailure)
      .catch((e: unknown) => {
        throw pluginFailure(e, plugin, plugins.originOf?.(plugin));
      });
  } finally {
    // work the GPU rejected explains a wrong result, or a failure, better than anything else (an abort aside)
    if (!signal.aborted) await throwDeviceErrors();
  }
  return { artifact, leaked: tf.memory().numTensors - before };
}
