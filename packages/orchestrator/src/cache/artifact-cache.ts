import * as fs from 'node:fs';
import * as path from 'node:path';
import { Artifact, decodeSafetensors, decodeSafetensorsShapes, RtlabError, safetensorsChunks } from '@rtlab/sdk';
import {
  CacheEntryFile,
  CacheEntryInfo,
  ENTRY_FILE,
  ENTRY_FORMAT,
  ENTRY_FORMAT_WITH_FILES,
  Producer,
  TENSORS_FILE,
} from './cache-entry';
import { Damaged } from './damaged';
import { readFileTensors, rememberVerified, storeFileTensors } from './stored-files';
import { isStale, temporaryName } from './cache-temporaries';
import { metaDigest } from './meta-digest';
import { checkCacheKey } from './cache-key';
import { NewerFormat, readEntryFile } from './entry-file';
import { duOf, readHashed, readSafetensorsHead, renamed, safeReaddir, unreadable, writeChunks } from './entry-io';

const TMP_DIR = 'tmp';

/**
 * Content-addressed artifact store: `<root>/<key[0:2]>/<key>/{entry.json,tensors.safetensors}`, plus
 * `f<i>.<part>.<writer>.bin` files for tensors kept on disk (`Artifact.files`, a Dataset larger than
 * memory). Entries are written in a temporary folder and renamed into place, so a crash never leaves a
 * half entry under a real key, and any number of processes (on any machines) can share one cache: the
 * first rename wins and later writers of the same key keep it (only --force replaces an entry). Every
 * read verifies the tensors' size and sha256 and the metadata's sha256; a damaged entry is removed, one
 * that cannot be read is not.
 */
export class ArtifactCache {
  /** Tensor files this process has hashed already (see readFileTensors). */
  private readonly verified = new Map<string, string>();

  constructor(
    readonly root: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
  ) {}

  entryDir(key: string): string {
    return path.join(this.root, key.slice(0, 2), checkCacheKey(key));
  }

  has(key: string): boolean {
    return fs.existsSync(path.join(this.entryDir(key), ENTRY_FILE));
  }

  /**
   * Whether the entry shows up within `ms`: on a shared mount (NFS) an entry another machine has just
   * written can take a while to appear here (listing its folder makes the client look again).
   */
  async appears(key: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      await fs.promises.readdir(path.dirname(this.entryDir(key))).catch(() => undefined);
      if (this.has(key)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /**
   * The verified artifact, or undefined when absent or damaged (a damaged entry is removed with a
   * warning). An entry that exists but cannot be read (permissions, I/O) is an error and stays.
   */
  async get(key: string): Promise<Artifact | undefined> {
    const dir = this.entryDir(key);
    try {
      const entry = readEntryFile(dir, key);
      if (entry === undefined) return undefined;
      const { bytes, sha256 } = await readHashed(path.join(dir, TENSORS_FILE), entry.tensorsBytes);
      if (sha256 !== entry.tensorsSha256) throw new Damaged('tensor file sha256 does not match the entry');
      const tensors = decodeSafetensors(bytes, path.join(dir, TENSORS_FILE)).tensors;
      if (!entry.files) return { type: entry.type, meta: entry.meta, tensors };
      return {
        type: entry.type,
        meta: entry.meta,
        tensors,
        files: await readFileTensors(dir, entry.files, this.verified),
      };
    } catch (e) {
      if (e instanceof NewerFormat)
        throw new RtlabError(
          'cache',
          `cache entry ${dir} was written by a newer rtlab (${e.message}): run that version, or use another --cache-dir; it was left in place`,
        );
      if (!(e instanceof Damaged || e instanceof RtlabError)) throw unreadable(dir, e);
      this.warn(`cache entry ${key.slice(0, 12)} is damaged (${(e as Error).message}); removed, it will be recomputed`);
      await fs.promises.rm(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  /**
   * Writes an entry atomically. When the key is already there (another process wrote it meanwhile), that
   * entry is kept and this one dropped: same key, same computation, and readers may be reading its files.
   * With `replace` (--force), the existing entry is swapped out and removed; a reader of its files then
   * fails with an error naming a missing file, never reads the new entry's rows. Aborting (`signal`)
   * mid-write removes the temporary folder. Files of `artifact.files` inside `scratchDir` (the run's own,
   * see `scratchDir()`) are moved into the entry; any others (another entry's, say) are copied.
   */
  async put(
    key: string,
    artifact: Artifact,
    producer: Producer,
    o: { signal?: AbortSignal; scratchDir?: string; replace?: boolean } = {},
  ): Promise<void> {
    const { signal, scratchDir } = o;
    const tmpRoot = path.join(this.root, TMP_DIR);
    const tmp = path.join(tmpRoot, temporaryName(key));
    await fs.promises.mkdir(tmp, { recursive: true });
    try {
      const { bytes, sha256 } = await writeChunks(
        path.join(tmp, TENSORS_FILE),
        safetensorsChunks(artifact.tensors),
        signal,
      );
      const files =
        artifact.files && Object.keys(artifact.files).length > 0
          ? await storeFileTensors(artifact.files, tmp, scratchDir, signal)
          : undefined;
      const entry: CacheEntryFile = {
        format: files ? ENTRY_FORMAT_WITH_FILES : ENTRY_FORMAT,
        key,
        type: artifact.type,
        meta: artifact.meta,
        metaSha256: metaDigest({ type: artifact.type, meta: artifact.meta, files }),
        tensorsBytes: bytes,
        tensorsSha256: sha256,
        ...(files ? { files } : {}),
        createdAt: new Date().toISOString(),
        producer,
      };
      await writeChunks(path.join(tmp, ENTRY_FILE), [Buffer.from(JSON.stringify(entry, null, 1))], signal);
      const dir = this.entryDir(key);
      await fs.promises.mkdir(path.dirname(dir), { recursive: true });
      if (await renamed(tmp, dir)) return rememberVerified(dir, files, this.verified);
      if (!o.replace && fs.existsSync(path.join(dir, ENTRY_FILE))) return; // a folder without entry.json is debris of a removal: replaced
      const old = path.join(tmpRoot, `${temporaryName(key)}~old`);
      await renamed(dir, old);
      if (await renamed(tmp, dir)) rememberVerified(dir, files, this.verified); // else yet another writer's entry stays
      await fs.promises.rm(old, { recursive: true, force: true });
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true });
    }
  }

  /**
   * A folder, under this cache's temporary folder, for the files a run of `key` keeps on disk
   * (PluginContext.scratchDir): `put` moves them into the entry; the caller removes the folder after,
   * and `removeStaleTemporaries` does so for a writer that died. Not created here.
   */
  scratchDir(key: string): string {
    return path.join(this.root, TMP_DIR, `${temporaryName(checkCacheKey(key))}~scratch`);
  }

  /**
   * The shapes of an entry's tensors from its safetensors header and entry.json, without reading (or
   * verifying) the tensors: e.g. a Dataset's sample count, to plan shards the workers will read.
   * Undefined when absent.
   */
  async tensorShapes(key: string): Promise<Record<string, number[]> | undefined> {
    const file = path.join(this.entryDir(key), TENSORS_FILE);
    const head = await readSafetensorsHead(file);
    if (!head) return undefined;
    const inFiles = Object.fromEntries(Object.entries(this.info(key)?.files ?? {}).map(([name, t]) => [name, t.shape]));
    return { ...decodeSafetensorsShapes(head, file), ...inFiles };
  }

  /** An entry's type and verified metadata, without reading its tensors (a Model's weights); undefined when absent or unreadable. */
  metadata(key: string): Pick<Artifact, 'type' | 'meta'> | undefined {
    try {
      const e = readEntryFile(this.entryDir(key), key);
      return e && { type: e.type, meta: e.meta };
    } catch {
      return undefined;
    }
  }

  /** What entry.json says of one entry, without reading its tensors; undefined when absent or unreadable. */
  info(key: string): CacheEntryInfo | undefined {
    try {
      const e = readEntryFile(this.entryDir(key), key);
      if (!e) return undefined;
      const inFiles = Object.values(e.files ?? {})
        .flatMap((t) => t.parts)
        .reduce((n, p) => n + p.bytes, 0);
      return {
        key,
        type: e.type,
        bytes: e.tensorsBytes + inFiles,
        createdAt: e.createdAt,
        producer: e.producer,
        ...(e.files ? { files: e.files } : {}),
      };
    } catch {
      return undefined;
    }
  }

  list(): CacheEntryInfo[] {
    const unreadable = (key: string): CacheEntryInfo => ({
      key,
      type: '(corrupt)',
      bytes: 0,
      createdAt: '',
      producer: { node: '?', plugin: '?', version: '?', canonical: '' },
    });
    const keys = safeReaddir(this.root)
      .filter((d) => d.length === 2)
      .flatMap((fan) => safeReaddir(path.join(this.root, fan)));
    return keys.map((key) => this.info(key) ?? unreadable(key)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Total bytes on disk under the cache root, temporary folders included. */
  diskUsage(): number {
    return duOf(this.root);
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.entryDir(key), { recursive: true, force: true });
  }

  /** Removes every entry whose key is not in `keep`, and temporaries of dead writers. Returns the removed keys. */
  async gc(keep: ReadonlySet<string>): Promise<string[]> {
    const removed = this.list()
      .map((e) => e.key)
      .filter((k) => !keep.has(k));
    for (const key of removed) await this.remove(key);
    await this.removeStaleTemporaries();
    return removed;
  }

  /** Removes temporary folders left by writers that died (SIGKILL, power loss); live writers' are kept. */
  async removeStaleTemporaries(): Promise<number> {
    const tmp = path.join(this.root, TMP_DIR);
    const stale = safeReaddir(tmp).filter((name) => isStale(tmp, name));
    for (const name of stale) await fs.promises.rm(path.join(tmp, name), { recursive: true, force: true });
    return stale.length;
  }

  async clear(): Promise<void> {
    await fs.promises.rm(this.root, { recursive: true, force: true });
  }
}
