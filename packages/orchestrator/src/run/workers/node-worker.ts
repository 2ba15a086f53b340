import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { Artifact } from '../../artifacts/artifact';
import { selectBackend } from '../../backend/select-backend';
import { RtlabError } from '../../errors/rtlab-error';
import { builtInModules, loadPluginModule } from '../../plugins/load-plugin-modules';
import { registryOf } from '../../plugins/plugin-container';
import { nodeContext } from '../node-context';
import { explainWasmFailure } from '../wasm-failure';
import { FromWorker, RunJob, ToWorker, WorkerSetup } from './worker-messages';

/** A worker thread with its own tensor backend, running plugin jobs one at a time. */
const setup = workerData as WorkerSetup;
const port = parentPort!;
const send = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const registry = registryOf([...builtInModules(), ...setup.pluginModules.map(loadPluginModule)]);
const aborts = new Map<number, AbortController>();

function transferList(a: Artifact): ArrayBuffer[] {
  return [...new Set(Object.values(a.tensors).map((t) => t.data.buffer as ArrayBuffer))];
}

async function run(job: RunJob): Promise<void> {
  const controller = new AbortController();
  aborts.set(job.job, controller);
  try {
    const plugin = registry.find(job.kind, job.plugin);
    if (!plugin) throw new RtlabError('plugin', `worker has no plugin ${job.kind}/${job.plugin}`);
    const backend = await backendInfo;
    const ctx = nodeContext(job.nodeId, job.key, controller.signal, {
      backend, dataRoot: job.dataRoot, modelRoot: job.modelRoot,
      reporter: {
        info: (message) => send({ type: 'log', job: job.job, message }),
        nodeProgress: (_id, done, total, note) => send({ type: 'progress', job: job.job, done, total, note }),
        nodeStarted: () => undefined, nodeFinished: () => undefined, close: () => undefined,
      },
    });
    const before = tf.memory().numTensors;
    const artifact = await plugin.run(job.inputs, job.params, ctx).catch(explainWasmFailure);
    send({ type: 'done', job: job.job, artifact, leaked: tf.memory().numTensors - before }, transferList(artifact));
  } catch (e) {
    send({ type: 'failed', job: job.job, kind: e instanceof RtlabError ? e.kind : (e as Error)?.name === 'AbortError' ? 'aborted' : undefined, message: (e as Error)?.message ?? String(e) });
  } finally {
    aborts.delete(job.job);
  }
}

const backendInfo = selectBackend(setup.backend).then((info) => {
  send({ type: 'ready', threads: info.threads });
  return info;
});

port.on('message', (m: ToWorker) => {
  if (m.type === 'abort') aborts.get(m.job)?.abort(new RtlabError('aborted', 'interrupted'));
  else void run(m);
});
