import { RtlabError } from '@rtlab/sdk';

/** A trap inside WebAssembly (e.g. "memory access out of bounds") is nearly always the wasm backend's 4 GiB heap. */
export function explainWasmFailure(e: unknown): never {
  const wasmTrap = (globalThis as unknown as { WebAssembly?: { RuntimeError: new () => Error } }).WebAssembly
    ?.RuntimeError;
  if (wasmTrap && e instanceof wasmTrap) {
    throw new RtlabError(
      'plugin',
      `${(e as Error).message} inside the wasm backend, whose heap is at most 4 GiB: lower batchSize (gradientBatch for attacks) and rerun; finished nodes are cached`,
      { cause: e },
    );
  }
  throw e;
}
