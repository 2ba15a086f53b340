import { releaseWebgpu } from './webgpu/release-webgpu';

/** Frees what the selected backend holds outside JavaScript (a GPU device), so the process can exit. */
export async function releaseBackend(): Promise<void> {
  await releaseWebgpu();
}
