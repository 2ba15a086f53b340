import { spawnSync } from 'node:child_process';
import { ADAPTER_OPTIONS, AdapterInfo, adapterInfo, dawnAddonPath, NO_ADAPTER } from './webgpu-adapter';

// Run by a child Node: asks Dawn for the adapter and prints what it says about itself as one JSON line.
const PROBE = `
const dawn = require(process.argv[1]);
Object.assign(globalThis, dawn.globals);
dawn.create([]).requestAdapter(JSON.parse(process.argv[2])).then((a) => {
  const info = a && a.info ? { vendor: a.info.vendor, architecture: a.info.architecture, device: a.info.device, description: a.info.description, isFallbackAdapter: a.info.isFallbackAdapter } : undefined;
  process.stdout.write('ADAPTER ' + JSON.stringify(a ? { info, isFallbackAdapter: a.isFallbackAdapter } : null) + '\\n', () => process.exit(0));
}, (e) => { process.stdout.write('ADAPTER-ERROR ' + JSON.stringify(String(e && e.message)) + '\\n', () => process.exit(0)); });
`;

/**
 * Which WebGPU adapter this machine offers, asked in a child process. `auto` looks this way before it
 * loads Dawn into the run: Dawn writes its native warnings (no Vulkan loader; lavapipe's
 * "maxDynamicUniformBuffersPerPipelineLayout artificially reduced") straight to the process's stderr,
 * and a run that will not use the adapter should not print them. `debug` passes them through.
 */
export function probeAdapter(debug: boolean): AdapterInfo | { failure: string } {
  let addon: string;
  try {
    addon = dawnAddonPath();
  } catch {
    return { failure: 'not installed' };
  }
  const r = spawnSync(process.execPath, ['-e', PROBE, addon, JSON.stringify(ADAPTER_OPTIONS)], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (debug && r.stderr) process.stderr.write(r.stderr);
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('ADAPTER'));
  if (!line)
    return {
      failure: `the WebGPU adapter probe ended without an answer (${r.error?.message ?? `exit ${r.status ?? r.signal}`}${r.stderr ? `: ${lastLine(r.stderr)}` : ''})`,
    };
  if (line.startsWith('ADAPTER-ERROR ')) return { failure: JSON.parse(line.slice('ADAPTER-ERROR '.length)) };
  const adapter = JSON.parse(line.slice('ADAPTER '.length));
  return adapter ? adapterInfo(adapter) : { failure: NO_ADAPTER };
}

const lastLine = (s: string) => s.trim().split('\n').pop();
