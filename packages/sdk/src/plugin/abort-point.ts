/**
 * Lets pending events through (an abort from Ctrl-C or from the engine), then throws if the node was
 * aborted. Call it between batches and steps: a loop that never yields cannot be stopped, because the
 * abort is delivered by the event loop that the loop is blocking.
 * @example for (const [start, end] of batches) { await abortPoint(ctx.signal); ... }
 */
export async function abortPoint(signal: AbortSignal): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  signal.throwIfAborted();
}
