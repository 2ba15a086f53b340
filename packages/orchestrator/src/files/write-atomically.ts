import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';

/**
 * Writes `file` through a temporary file beside it and a rename: a reader or a crash never sees half a
 * file, and a write that fails (disk full) leaves the old file and no temporary behind.
 */
export function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
