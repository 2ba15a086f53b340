import * as tf from '@tensorflow/tfjs-core';
import * as os from 'node:os';
import { BACKEND_ORDER, BackendInfo, BackendName, RtlabError } from '@rtlab/sdk';
import { registerGradients } from './tfjs-gradients';
import { registerWasmKernels } from './wasm-kernels/register-wasm-kernels';
import { registerWebgpuKernels } from './webgpu/register-webgpu-kernels';
import { watchDeviceErrors } from './webgpu/device-errors';
import { AdapterInfo, describeAdapter, openWebgpu } from './webgpu/webgpu-adapter';
import { probeAdapter } from './webgpu/probe-adapter';

interface Candidate {
  tfBackend: string;
  /**
   * Registers the backend with tfjs (throws when its package, native library or device is missing);
   * returns the device it found, if it names one.
   */
  load(how: SelectOptions & { auto: boolean }): void | Promise<string | void>;
  /** Once tfjs runs on it: throws when it is not what was asked for; may start watching its device. */
  started?(): void;
  threads(): number;
}

/** How each backend is loaded; wasm also gets rtlab's kernels. */
const candidates: Record<BackendName, Candidate> = {
  'node-gpu': {
    tfBackend: 'tensorflow',
    load: () => void require('@tensorflow/tfjs-node-gpu'),
    // without exactly the CUDA and cuDNN it was built for, TensorFlow loads anyway and runs on the CPU
    started() {
      if ((tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice !== true)
        throw new Error(
          'tfjs-node-gpu loaded, but TensorFlow sees no GPU (it needs CUDA 11.2 and cuDNN 8.1; see the README, "GPUs")',
        );
    },
    threads: () => 0,
  },
  // where tfjs-node-gpu loaded but saw no GPU, its TensorFlow is the CPU one: a second libtensorflow must not load beside it
  node: {
    tfBackend: 'tensorflow',
    load: () => void (tf.engine().registryFactory.tensorflow ? undefined : require('@tensorflow/tfjs-node')),
    threads: () => 0,
  },
  webgpu: {
    tfBackend: 'webgpu',
    async load({ auto, debug }) {
      // asked by name, Dawn's own messages may say why it fails; under auto a child looks first, quietly
      const probed = auto ? probeAdapter(debug ?? false) : undefined;
      if (probed && 'failure' in probed) throw new Error(probed.failure);
      if (probed?.software) throw new Error(softwareOnly(probed));
      const adapter = await openWebgpu();
      if (auto && adapter.software) throw new Error(softwareOnly(adapter));
      require('@tensorflow/tfjs-backend-webgpu');
      registerWebgpuKernels();
      return describeAdapter(adapter);
    },
    started: watchDeviceErrors,
    threads: () => 1,
  },
  wasm: {
    tfBackend: 'wasm',
    load: () => {
      require('@tensorflow/tfjs-backend-wasm');
      registerWasmKernels();
    },
    threads: () => 1,
  },
  cpu: { tfBackend: 'cpu', load: () => void require('@tensorflow/tfjs-backend-cpu'), threads: () => 1 },
};

const softwareOnly = (a: AdapterInfo) =>
  `only a software adapter (${describeAdapter(a)}), slower than wasm; ask for it with --backend webgpu`;

export interface SelectOptions {
  /** Show Dawn's native messages even where `auto` only probes the WebGPU adapter. */
  debug?: boolean;
}

async function tryBackend(
  name: BackendName,
  how: SelectOptions & { auto: boolean },
): Promise<{ failure?: string; device?: string }> {
  const c = candidates[name];
  try {
    registerGradients();
    const device = (await c.load(how)) ?? undefined;
    if (!(await tf.setBackend(c.tfBackend)))
      return { failure: `tfjs could not initialise the '${c.tfBackend}' backend` };
    await tf.ready();
    c.started?.();
    silenceFirstUseBanner();
    return { device };
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    return { failure: /Cannot find module/.test(message) ? 'not installed' : message };
  }
}

/**
 * Picks the tensor backend: the named one, or the first that loads in the order
 * node-gpu -> node -> webgpu (a real GPU only) -> wasm -> cpu. Returns what ran and why the others
 * were skipped. A backend asked for by name either starts or fails: there is no silent fallback.
 * @example const info = await selectBackend('auto'); console.log(describeBackend(info));
 */
export async function selectBackend(
  preferred: BackendName | 'auto' = 'auto',
  options: SelectOptions = {},
): Promise<BackendInfo> {
  const order: readonly BackendName[] = preferred === 'auto' ? BACKEND_ORDER : [preferred];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    const { failure, device } = await tryBackend(name, { ...options, auto: preferred === 'auto' });
    if (failure === undefined) {
      const c = candidates[name];
      return {
        name,
        tfBackend: c.tfBackend,
        threads: c.threads() || defaultThreads(),
        skipped,
        ...(device ? { device } : {}),
      };
    }
    skipped.push({ name, reason: failure });
  }
  const why = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new RtlabError('backend', `no tensor backend could be started (${why})`);
}

function defaultThreads(): number {
  return os.availableParallelism();
}

/** tfjs-backend-cpu prints an "install tfjs-node" banner on first use; rtlab reports the backend itself. */
function silenceFirstUseBanner(): void {
  const backend = tf.backend() as { firstUse?: boolean };
  if (backend.firstUse) backend.firstUse = false;
}
