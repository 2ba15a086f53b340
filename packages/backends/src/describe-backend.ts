import { BackendInfo } from '@rtlab/sdk';

/** One line for the start of a run: the backend, its threads, and why earlier ones were skipped. */
export function describeBackend(info: BackendInfo): string {
  const skipped = info.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  const device = info.device ? `, ${info.device}` : '';
  return `backend: ${info.name} (tfjs '${info.tfBackend}', ${info.threads} thread${info.threads === 1 ? '' : 's'}${device})${skipped ? ` — skipped ${skipped}` : ''}`;
}
