import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StepResult } from './step-file';

/** Where Vulkan loaders look for driver manifests, and where NVIDIA's container runtime puts its own. */
const ICD_FOLDERS = [
  '/usr/share/vulkan/icd.d',
  '/etc/vulkan/icd.d',
  '/usr/local/share/vulkan/icd.d',
  '/usr/local/nvidia/share/vulkan/icd.d',
];

function listIcds(): string[] {
  return ICD_FOLDERS.flatMap((d) => {
    try {
      return fs
        .readdirSync(d)
        .filter((f) => f.endsWith('.json'))
        .map((f) => path.join(d, f));
    } catch {
      return [];
    }
  });
}

function nvidiaSmi(): string {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.error) return `not available (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  return (r.stdout || r.stderr).trim();
}

/** The machine: GPU and driver, the Vulkan loader and driver found, Node, glibc, the kernel. Informs; never fails. */
export function machineStep(): StepResult {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return {
    passed: true,
    gpu: nvidiaSmi(),
    vulkan: {
      loader: process.env.GPU_CHECK_VULKAN_LOADER ?? "the system's",
      driverFiles: process.env.VK_DRIVER_FILES ?? null,
      manifests: listIcds(),
    },
    node: process.version,
    glibc: header?.glibcVersionRuntime ?? null,
    kernel: `${os.type()} ${os.release()}`,
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}
