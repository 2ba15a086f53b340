import { RtlabError } from '@rtlab/sdk';

/** 0 success, 1 a node failed, 2 invalid pipeline or usage, 130 interrupted. */
export const EXIT = { ok: 0, nodeFailed: 1, invalid: 2, interrupted: 130 } as const;

export function exitCodeOf(e: unknown): number {
  if (!(e instanceof RtlabError)) return EXIT.nodeFailed;
  if (e.kind === 'aborted') return EXIT.interrupted;
  if (e.kind === 'plugin' || e.kind === 'input') return EXIT.nodeFailed;
  return EXIT.invalid;
}
