import { Artifact, JsonValue } from '../../artifacts/artifact';
import { BackendName } from '../../backend/backend-info';
import { PluginInputs } from '../../plugins/plugin';

/** What a worker needs to start: the backend and the plugin modules the main thread loaded. */
export interface WorkerSetup {
  backend: BackendName;
  pluginModules: string[];
}

export interface RunJob {
  type: 'run';
  job: number;
  kind: string;
  plugin: string;
  params: { [key: string]: JsonValue };
  inputs: PluginInputs;
  nodeId: string;
  key: string;
  dataRoot: string;
  modelRoot: string;
}

export type ToWorker = RunJob | { type: 'abort'; job: number };

export type FromWorker =
  | { type: 'ready'; threads: number }
  | { type: 'progress'; job: number; done: number; total: number; note?: string }
  | { type: 'log'; job: number; message: string }
  | { type: 'done'; job: number; artifact: Artifact; leaked: number }
  | { type: 'failed'; job: number; kind?: string; message: string };
