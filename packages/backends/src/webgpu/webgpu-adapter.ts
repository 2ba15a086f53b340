import * as path from 'node:path';

/** What the WebGPU adapter says it is, for the run's first line and its record. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (lavapipe, SwiftShader, a fallback adapter): correct, but slower than wasm. */
  software: boolean;
}

/** What an adapter tells about itself: Dawn's Node binding says whether it is a fallback (CPU) adapter in `info`, browsers on the adapter. */
export interface GpuAdapterLike {
  info?: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>> & {
    isFallbackAdapter?: boolean;
  };
  isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software rasterizer|\bcpu\b/i;

/** The options tfjs's backend asks for its adapter with, so that the adapter described is the one it will use. */
export const ADAPTER_OPTIONS = { powerPreference: 'high-performance' };

export const NO_ADAPTER = 'no WebGPU adapter (install a GPU driver with Vulkan support; see the README, "GPUs")';

/**
 * Gives Node the browser's `navigator.gpu` from Dawn's Node binding (the `webgpu` package, whose
 * binaries come inside it) and asks for an adapter. It must run before tfjs's webgpu backend module
 * loads: that module looks for `navigator.gpu` when it is first required.
 */
export async function openWebgpu(): Promise<AdapterInfo> {
  const dawn = require(dawnAddonPath()) as { create(flags: string[]): GpuLike; globals: object };
  const g = globalThis as unknown as { navigator?: { gpu?: GpuLike } };
  if (!g.navigator?.gpu) {
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else g.navigator = { gpu };
  }
  const adapter = await g.navigator!.gpu!.requestAdapter(ADAPTER_OPTIONS);
  if (!adapter) throw new Error(NO_ADAPTER);
  return adapterInfo(adapter);
}

export function adapterInfo(adapter: GpuAdapterLike): AdapterInfo {
  const i = adapter.info ?? {};
  const text = [i.vendor, i.architecture, i.device, i.description].join(' ');
  return {
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    device: i.device ?? '',
    description: i.description ?? '',
    software:
      Boolean(i.isFallbackAdapter ?? adapter.isFallbackAdapter) || i.architecture === 'software' || SOFTWARE.test(text),
  };
}

/**
 * Dawn's Node addon in the `webgpu` package. The package's own entry is an ES module (import.meta),
 * which CommonJS loaders such as jest's cannot take, so the addon it wraps is loaded directly.
 */
export function dawnAddonPath(): string {
  const root = path.dirname(require.resolve('webgpu/package.json'));
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  return path.join(root, 'dist', `${process.platform}-${arch}`, 'dawn.node');
}

export function describeAdapter(a: AdapterInfo): string {
  return (
    [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') + (a.software ? ' (software)' : '')
  );
}
