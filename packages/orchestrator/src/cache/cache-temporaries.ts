import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Another host's temporaries are judged by age: their writer's pid means nothing here. */
const FOREIGN_STALE_MS = 24 * 3600 * 1000;
const SEP = '~';

/**
 * The name of a writer's temporary folder: `<key>~<host>~<pid>~<random>`, so that any process (on
 * any machine sharing the cache) can tell whether its writer may still be alive.
 */
export function temporaryName(key: string): string {
  return [key, os.hostname().replaceAll(SEP, '-'), process.pid, randomBytes(4).toString('hex')].join(SEP);
}

/** Whether a temporary folder's writer is certainly gone: a dead pid on this host, or a day old elsewhere. */
export function isStale(dir: string, name: string, now = Date.now()): boolean {
  const [, host, pid] = name.split(SEP);
  if (host === os.hostname().replaceAll(SEP, '-')) return !isAlive(Number(pid));
  try {
    return now - fs.statSync(path.join(dir, name)).mtimeMs > FOREIGN_STALE_MS;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
