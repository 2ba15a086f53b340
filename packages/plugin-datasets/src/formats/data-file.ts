import { RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Gunzip } from 'fflate';

/** Where a dataset is published, for the error a missing file gets. */
export interface DatasetSource {
  name: string;
  url: string;
  /** What to download and how to lay it out under the data root. */
  howTo: string;
}

export function missing(file: string, source: DatasetSource): RtlabError {
  return new RtlabError(
    'input',
    `${source.name}: ${file} not found. ${source.howTo} (from ${source.url}), or point params.dir / the data root (rtlab.config.json "dataRoot") at your copy.`,
  );
}

/** What a format's header says its whole file holds, in bytes; undefined when the header is not that format's. */
export type DeclaredSize = (head: Uint8Array) => number | undefined;

/** Bytes a gzipped data file may expand to: more than any dataset file rtlab reads, less than a Buffer holds. */
const MAX_INFLATED = 2 ** 32 - 1;
const HEAD_BYTES = 64;
/** Without a header to go by, a gzip may expand this many times: image data compresses far less. */
const MAX_INFLATION = 64;

/**
 * The first of `candidates` that exists, read whole and gunzipped when it starts with the gzip magic.
 * A gzip is inflated no further than its format's header declares (`declaredSize`), so a small file
 * that expands to gigabytes is refused before they are allocated.
 */
export function readDataFile(
  candidates: string[],
  source: DatasetSource,
  declaredSize?: DeclaredSize,
): { file: string; bytes: Buffer } {
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw missing(candidates[0], source);
  const raw = fs.readFileSync(file);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return { file, bytes: raw };
  let limit = Math.min(MAX_INFLATED, raw.length * MAX_INFLATION);
  if (declaredSize) {
    const declared = declaredSize(gunzipHead(raw, HEAD_BYTES, file));
    if (declared === undefined)
      throw new RtlabError(
        'input',
        `${file}: inflates to something without the header its format needs: corrupt, or another file`,
      );
    if (declared > MAX_INFLATED)
      throw new RtlabError(
        'input',
        `${file}: its header declares ${declared} bytes, more than rtlab reads from one file: corrupt`,
      );
    limit = declared;
  }
  try {
    return { file, bytes: zlib.gunzipSync(raw, { maxOutputLength: limit }) };
  } catch (e) {
    const grew = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new RtlabError(
      'input',
      grew
        ? `${file}: expands past ${limit} bytes (${declaredSize ? 'what its header declares' : `${MAX_INFLATION} times its size`}): corrupt, or a gzip bomb`
        : `${file}: truncated or corrupt gzip (${(e as Error).message})`,
    );
  }
}

/** The first `n` inflated bytes of a gzip (fewer if it is shorter), inflating nothing beyond a few chunks. */
function gunzipHead(raw: Uint8Array, n: number, file: string): Uint8Array {
  const parts: Uint8Array[] = [];
  let got = 0;
  const gunzip = new Gunzip((chunk) => {
    parts.push(chunk);
    got += chunk.length;
  });
  try {
    for (let at = 0; at < raw.length && got < n; at += 1 << 12)
      gunzip.push(raw.subarray(at, at + (1 << 12)), at + (1 << 12) >= raw.length);
  } catch (e) {
    throw new RtlabError('input', `${file}: truncated or corrupt gzip (${(e as Error).message})`);
  }
  return Buffer.concat(parts).subarray(0, n);
}
