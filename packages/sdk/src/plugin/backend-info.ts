/** The tensor backends rtlab can run on, in fallback order: `auto` takes the first that loads. */
export const BACKEND_ORDER = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const;
/** One of BACKEND_ORDER. */
export type BackendName = (typeof BACKEND_ORDER)[number];

/** What a node runs on: printed at the start of every run and written to its record. */
export interface BackendInfo {
  name: BackendName;
  /** The tfjs backend id (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  threads: number;
  /** The device that runs it, where the backend names one (webgpu: the adapter's vendor, device, driver). */
  device?: string;
  /** Why each earlier backend in the fallback order was not used. */
  skipped: { name: BackendName; reason: string }[];
}
