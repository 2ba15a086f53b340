import * as fs from 'node:fs';
import * as path from 'node:path';
import { CacheEntryFile, ENTRY_FILE, ENTRY_FORMAT, ENTRY_FORMAT_WITH_FILES } from './cache-entry';
import { Damaged } from './damaged';
import { metaDigest } from './meta-digest';

/** An entry a newer rtlab wrote: neither read nor removed (that version may share the cache). */
export class NewerFormat extends Error {}

/** entry.json, checked against the key and its metadata digest; undefined when the entry is absent. */
export function readEntryFile(dir: string, key: string): CacheEntryFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, ENTRY_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (fs.existsSync(dir)) throw new Damaged('entry.json is missing');
    return undefined;
  }
  let entry: CacheEntryFile;
  try {
    entry = JSON.parse(text) as CacheEntryFile;
  } catch (e) {
    throw new Damaged(`entry.json is not JSON: ${(e as Error).message}`);
  }
  if (!entry || typeof entry !== 'object') throw new Damaged('entry.json holds no entry');
  if (entry.format > ENTRY_FORMAT_WITH_FILES)
    throw new NewerFormat(
      `entry format ${entry.format}; this one reads ${ENTRY_FORMAT} and ${ENTRY_FORMAT_WITH_FILES}`,
    );
  if (entry.format !== ENTRY_FORMAT && entry.format !== ENTRY_FORMAT_WITH_FILES)
    throw new Damaged(
      `written in entry format ${entry.format}, which this rtlab no longer reads (it reads ${ENTRY_FORMAT} and ${ENTRY_FORMAT_WITH_FILES})`,
    );
  if ((entry.format === ENTRY_FORMAT_WITH_FILES) !== (entry.files !== undefined))
    throw new Damaged(`entry format ${entry.format} ${entry.files ? 'cannot have' : 'needs'} tensor files`);
  if (entry.key !== key) throw new Damaged(`entry.json names key ${entry.key}`);
  if (entry.metaSha256 !== metaDigest(entry)) throw new Damaged('metadata sha256 does not match the entry');
  return entry;
}
