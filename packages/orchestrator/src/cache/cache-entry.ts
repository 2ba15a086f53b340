import { JsonValue } from '@rtlab/sdk';

/** 2: entry.json carries metaSha256, so metadata (score rows) is verified like the tensors. */
export const ENTRY_FORMAT = 2;
export const ENTRY_FILE = 'entry.json';
export const TENSORS_FILE = 'tensors.safetensors';

/** Who produced an entry, so `rtlab cache ls` and a miss explanation can say where it came from. */
export interface Producer {
  node: string;
  plugin: string;
  version: string;
  canonical: string;
  /** The backend that computed it: keys are backend-independent, so an entry may serve another backend. */
  backend?: string;
}

/** entry.json: the artifact's metadata plus what verifies its tensor file. */
export interface CacheEntryFile {
  format: number;
  key: string;
  type: string;
  meta: { [key: string]: JsonValue };
  /** sha256 of the canonical JSON of { type, meta }: what the entry returns besides its tensors. */
  metaSha256: string;
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
