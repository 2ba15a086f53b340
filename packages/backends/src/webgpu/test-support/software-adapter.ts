import * as fs from 'node:fs';

/** Where Debian's Mesa puts lavapipe's Vulkan ICD (the name changed across Mesa versions). */
const LAVAPIPE_ICDS = ['/usr/share/vulkan/icd.d/lvp_icd.json', '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'];

/**
 * Points Vulkan (and so Dawn) at lavapipe, Mesa's software device, so that the webgpu tests run the
 * same on every machine. Call before the first webgpu backend selection in a process.
 */
export function useSoftwareAdapter(): void {
  const icd = LAVAPIPE_ICDS.find((f) => fs.existsSync(f));
  if (!icd) {
    throw new Error(
      'lavapipe (Mesa >= 24, mesa-vulkan-drivers from bookworm-backports) is not installed: run `bash tools/install-test-deps.sh` (as root), as `npm test` does',
    );
  }
  process.env.VK_DRIVER_FILES = icd;
}
