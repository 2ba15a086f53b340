import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { temporaryName } from './cache-temporaries';

interface HashRecord {
  path: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  sha256: string;
}

const CHUNK = 1 << 26;

/**
 * sha256 of file contents, remembered per absolute path under `<cache>/files/` and computed again only
 * when the file's inode, size, modification or status-change time (nanoseconds) changed, as DVC does
 * with the first three: a dataset is read in full once. The status-change time, which no user can set,
 * catches other bytes written with the old size and modification time restored.
 */
export class FileHashes {
  /** Files whose contents were read by this instance (the rest came from records). */
  hashed = 0;

  constructor(private readonly cacheRoot: string) {}

  sha256(file: string): string {
    const known = this.known(file, fs.statSync(file, { bigint: true }));
    if (known.sha256) return known.sha256;
    return this.remember(file, known.stamp, hashContents(file));
  }

  /** The same, reading the contents without blocking the event loop (a queue worker renews its locks meanwhile). */
  async sha256Async(file: string): Promise<string> {
    const known = this.known(file, await fs.promises.stat(file, { bigint: true }));
    if (known.sha256) return known.sha256;
    return this.remember(file, known.stamp, await hashContentsAsync(file));
  }

  private known(file: string, st: fs.BigIntStats): { stamp: Omit<HashRecord, 'path' | 'sha256'>; sha256?: string } {
    const stamp = {
      ino: String(st.ino),
      size: String(st.size),
      mtimeNs: String(st.mtimeNs),
      ctimeNs: String(st.ctimeNs),
    };
    const known = readRecord(this.recordFile(file));
    const same =
      known &&
      known.path === file &&
      (['ino', 'size', 'mtimeNs', 'ctimeNs'] as const).every((k) => known[k] === stamp[k]);
    return { stamp, ...(same ? { sha256: known.sha256 } : {}) };
  }

  private remember(file: string, stamp: Omit<HashRecord, 'path' | 'sha256'>, sha256: string): string {
    this.hashed++;
    writeRecord(this.recordFile(file), { path: file, ...stamp, sha256 });
    return sha256;
  }

  private recordFile(file: string): string {
    const id = createHash('sha256').update(file).digest('hex');
    return path.join(this.cacheRoot, 'files', id.slice(0, 2), `${id}.json`);
  }
}

function hashContents(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let n; (n = fs.readSync(fd, buffer, 0, CHUNK, null)) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

async function hashContentsAsync(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let n; (n = (await handle.read(buffer, 0, CHUNK, null)).bytesRead) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

function readRecord(file: string): HashRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as HashRecord;
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed: concurrent runs never see half a record. A read-only cache just re-hashes. */
function writeRecord(file: string, record: HashRecord): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${temporaryName('h')}`;
    fs.writeFileSync(tmp, JSON.stringify(record));
    fs.renameSync(tmp, file);
  } catch {
    // the digest is still right; only the shortcut for the next run is lost
  }
}
