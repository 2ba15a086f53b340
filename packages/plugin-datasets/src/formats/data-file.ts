import { RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/** Where a dataset is published, for the error a missing file gets. */
export interface DatasetSource {
  name: string;
  url: string;
  /** What to download and how to lay it out under the data root. */
  howTo: string;
}

export function missing(file: string, source: DatasetSource): RtlabError {
  return new RtlabError('input', `${source.name}: ${file} not found. ${source.howTo} (from ${source.url}), or point params.dir / the data root (rtlab.config.json "dataRoot") at your copy.`);
}

/** The first of `candidates` that exists, read whole and gunzipped when it starts with the gzip magic. */
export function readDataFile(candidates: string[], source: DatasetSource): { file: string; bytes: Buffer } {
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw missing(candidates[0], source);
  const raw = fs.readFileSync(file);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return { file, bytes: raw };
  try {
    return { file, bytes: zlib.gunzipSync(raw) };
  } catch (e) {
    throw new RtlabError('input', `${file}: truncated or corrupt gzip (${(e as Error).message})`);
  }
}
