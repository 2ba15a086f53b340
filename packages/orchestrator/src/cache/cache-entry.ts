import { JsonValue } from '@rtlab/sdk';

export const ENTRY_FORMAT = 1;
export const ENTRY_FILE = 'entry.json';
export const TENSORS_FILE = 'tensors.safetensors';

/** Who produced an entry, so `rtlab cache ls` and a miss explanation can say where it came from. */
export interface Producer {
  node: string;
  plugin: string;
  version: string;
  canonical: string;
}

/** entry.json: the artifact's metadata plus what verifies its tensor file. */
export interface CacheEntryFile {
  format: number;
  key: string;
  type: string;
  meta: { [key: string]: JsonValue };
  tensorsBytes: number;
  tensorsSha256: string;
  createdAt: string;
  producer: Producer;
}

export interface CacheEntryInfo {
  key: string;
  type: string;
  bytes: number;
  createdAt: string;
  producer: Producer;
}
