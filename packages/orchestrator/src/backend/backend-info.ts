/** The tensor backends rtlab can run on, in fallback order (DESIGN.md). */
export const BACKEND_ORDER = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

/** What ran: printed at the start of every run and written to its record. */
export interface BackendInfo {
  name: BackendName;
  /** The tfjs backend id (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  threads: number;
  /** Why each earlier backend in the order was not used. */
  skipped: { name: BackendName; reason: string }[];
}

export function describeBackend(info: BackendInfo): string {
  const skipped = info.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  return `backend: ${info.name} (tfjs '${info.tfBackend}', ${info.threads} thread${info.threads === 1 ? '' : 's'})${skipped ? ` — skipped ${skipped}` : ''}`;
}
