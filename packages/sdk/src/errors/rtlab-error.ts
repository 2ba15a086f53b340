/** What went wrong, for callers that branch on it (and for the CLI's exit code). */
export type RtlabErrorKind = 'usage' | 'validation' | 'config' | 'plugin' | 'cache' | 'backend' | 'input' | 'aborted';

/**
 * The one error class of rtlab. Messages say what was expected, what was found and where.
 * @example throw new RtlabError('input', 'data/cifar-10-batches-bin/data_batch_1.bin: file not found');
 */
export class RtlabError extends Error {
  constructor(
    readonly kind: RtlabErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RtlabError';
  }
}

/** Whether an error means the run was stopped (Ctrl-C, an unsubscription), not that something failed. */
export function isAbortError(e: unknown): boolean {
  return (e instanceof RtlabError && e.kind === 'aborted') || (e instanceof Error && e.name === 'AbortError');
}
