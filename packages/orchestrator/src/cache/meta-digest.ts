import { createHash } from 'node:crypto';
import { CacheEntryFile } from './cache-entry';
import { canonicalJson } from './canonical-json';

/** The digest in entry.json (`metaSha256`) of what an entry returns besides its tensors: type, metadata and the description of its tensor files. */
export function metaDigest(e: Pick<CacheEntryFile, 'type' | 'meta' | 'files'>): string {
  return createHash('sha256')
    .update(canonicalJson(e.files ? { type: e.type, meta: e.meta, files: e.files } : { type: e.type, meta: e.meta }))
    .digest('hex');
}
