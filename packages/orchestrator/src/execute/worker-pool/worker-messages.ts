import { BackendName } from '@rtlab/sdk';
import { JobResult, PluginJob } from '../plugin-job';
import { HeldInputs } from './held-inputs';

/** What a worker needs to start: the backend and the plugin modules the main thread loaded. */
export interface WorkerSetup {
  backend: BackendName;
  pluginModules: string[];
}

export interface RunMessage {
  type: 'run';
  job: number;
  spec: PluginJob;
  held: HeldInputs;
}

export type ToWorker = RunMessage | { type: 'abort'; job: number };

export type FromWorker =
  | { type: 'ready'; threads: number }
  | { type: 'progress'; job: number; done: number; total: number; note?: string }
  | { type: 'log'; job: number; message: string }
  | ({ type: 'done'; job: number } & JobResult)
  | { type: 'failed'; job: number; kind?: string; message: string; stack?: string };
