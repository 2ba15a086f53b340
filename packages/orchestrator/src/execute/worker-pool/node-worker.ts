import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '@rtlab/backends';
import { Artifact, RtlabError } from '@rtlab/sdk';
import { pluginRegistry } from '../../plugins/load-plugin-modules';
import { ProgressReporter } from '../../progress/progress-reporter';
import { runPluginJob } from '../run-plugin-job';
import { HeldInputsStore } from './held-inputs';
import { FromWorker, RunMessage, ToWorker, WorkerSetup } from './worker-messages';

/** A worker thread with its own tensor backend, running plugin jobs one at a time. */
const setup = workerData as WorkerSetup;
const port = parentPort!;
const send = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const registry = pluginRegistry(setup.pluginModules);
const aborts = new Map<number, AbortController>();
const held = new HeldInputsStore();

/** The result's buffers move to the main thread, except those of inputs this worker keeps. */
function transferList(a: Artifact): ArrayBuffer[] {
  const keep = held.buffers();
  return [...new Set(Object.values(a.tensors).map((t) => t.data.buffer as ArrayBuffer))].filter((b) => !keep.has(b));
}

/** Progress and log lines go back to the main thread, which owns the terminal. */
function reporterFor(job: number): ProgressReporter {
  return {
    info: (message) => send({ type: 'log', job, message }),
    nodeProgress: (_id, done, total, note) => send({ type: 'progress', job, done, total, note }),
    nodeStarted: () => undefined,
    nodeFinished: () => undefined,
    close: () => undefined,
  };
}

async function run({ job, spec, held: plan }: RunMessage): Promise<void> {
  const controller = new AbortController();
  aborts.set(job, controller);
  try {
    const result = await runPluginJob(
      held.resolve(spec, plan),
      registry,
      await backendInfo,
      reporterFor(job),
      controller.signal,
    );
    send({ type: 'done', job, ...result }, transferList(result.artifact));
  } catch (e) {
    send({
      type: 'failed',
      job,
      kind: e instanceof RtlabError ? e.kind : (e as Error)?.name === 'AbortError' ? 'aborted' : undefined,
      message: (e as Error)?.message ?? String(e),
      stack: (e as Error)?.stack,
    });
  } finally {
    aborts.delete(job);
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
