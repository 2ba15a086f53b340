import { DType, JsonValue } from '@rtlab/sdk';

/**
 * 2: entry.json carries metaSha256, so metadata (score rows) is verified like the tensors.
 * 4: tensors kept in files beside tensors.safetensors (`files`), their description (dtype, shape, parts)
 * covered by metaSha256 and each part's name unique to its writer. Entries without such tensors are
 * still written as 2, so that older rtlab versions sharing the cache keep reading them. (3 had files
 * whose description no digest covered, under names another writer of the key reused.)
 */
export const ENTRY_FORMAT = 2;
export const ENTRY_FORMAT_WITH_FILES = 4;
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
  /** sha256 of the canonical JSON of { type, meta, files }: the metadata and the description of the tensor files (meta-digest.ts). */
  metaSha256: string;
  tensorsBytes: number;
  tensorsSha256: string;
  /** Tensors stored row-wise in their own files (format 4), each part verified like tensors.safetensors. */
  files?: Record<string, StoredFileTensor>;
  createdAt: string;
  producer: Producer;
}

export interface CacheEntryInfo {
  key: string;
  type: string;
  /** Bytes of its tensors, files included. */
  bytes: number;
  files?: Record<string, StoredFileTensor>;
  createdAt: string;
  producer: Producer;
}

export interface StoredFileTensor {
  dtype: DType;
  shape: number[];
  parts: StoredFilePart[];
}

/** One file of a stored FileTensor: its name in the entry folder (`f<tensor>.<part>.<writer>.bin`), rows, size and sha256. */
export interface StoredFilePart {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * The only file names a part may have: a name read from entry.json never leaves the entry folder, and
 * the writer's random tag means that a reader of an entry replaced meanwhile (--force) finds its files
 * gone rather than reading the new entry's under the old layout.
 */
export const PART_NAME = /^f\d{1,4}\.\d{1,9}\.[0-9a-f]{8}\.bin$/;
