import * as fs from 'node:fs';
import { RtlabError } from '../errors/rtlab-error';
import { FileTensor, HostTensor } from './artifact';
import { sizeOf } from './host-tensor';

const BYTES = { float32: 4, int32: 4, uint8: 1 } as const;

/** The rows (along the first dimension) of a tensor in memory or in files, read as bytes. */
export interface TensorRows {
  count: number;
  rowBytes: number;
  /** The bytes of rows [start, end): a view (do not write to it) when in memory, a fresh read from a file. */
  read(start: number, end: number): Uint8Array;
  /** The bytes of the rows at `indices`, in that order (a shuffled minibatch): each file opened once. */
  gather(indices: ArrayLike<number>): Uint8Array;
}

/** Bytes of one row (everything below the first dimension) of a tensor. */
export function rowBytesOf(t: Pick<HostTensor, 'dtype' | 'shape'>): number {
  return sizeOf(t.shape.slice(1)) * BYTES[t.dtype];
}

/** Row-wise access to a tensor in memory or in files: read ranges or gather rows without loading the rest. */
export function tensorRows(t: HostTensor | FileTensor): TensorRows {
  const rowBytes = rowBytesOf(t);
  const count = t.shape[0];
  const check = (start: number, end: number) => {
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= count))
      throw new RtlabError('plugin', `rows [${start}, ${end}) are outside the ${count} rows of a tensor`);
  };
  const rows = 'data' in t ? memoryRows(t, rowBytes) : fileRows(t, rowBytes);
  return {
    count,
    rowBytes,
    read: (start, end) => {
      check(start, end);
      return rows.read(start, end);
    },
    gather: (indices) => {
      const out = new Uint8Array(indices.length * rowBytes);
      rows.withReader((read) => {
        for (let r = 0; r < indices.length; r++) {
          check(indices[r], indices[r] + 1);
          read(indices[r], indices[r] + 1, out, r * rowBytes);
        }
      });
      return out;
    },
  };
}

/** Copies rows [start, end) into `out` at `at`. */
type RowReader = (start: number, end: number, out: Uint8Array, at: number) => void;

interface RowSource {
  read(start: number, end: number): Uint8Array;
  /** Runs `use` with a reader that keeps what it opens until `use` returns. */
  withReader(use: (read: RowReader) => void): void;
}

function memoryRows(t: HostTensor, rowBytes: number): RowSource {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return {
    read: (start, end) => bytes.subarray(start * rowBytes, end * rowBytes),
    withReader: (use) => use((start, end, out, at) => out.set(bytes.subarray(start * rowBytes, end * rowBytes), at)),
  };
}

function fileRows(t: FileTensor, rowBytes: number): RowSource {
  const withReader = (use: (read: RowReader) => void) => {
    const open = new Map<string, number>();
    const fdOf = (file: string) => {
      let fd = open.get(file);
      if (fd === undefined) open.set(file, (fd = openForReading(file)));
      return fd;
    };
    try {
      use((start, end, out, at) => {
        let first = 0;
        for (const part of t.parts) {
          const [from, to] = [Math.max(start, first), Math.min(end, first + part.rows)];
          if (from < to)
            readExactly(
              fdOf(part.file),
              part.file,
              out,
              at + (from - start) * rowBytes,
              (to - from) * rowBytes,
              part.offset + (from - first) * rowBytes,
            );
          first += part.rows;
        }
      });
    } finally {
      for (const fd of open.values()) fs.closeSync(fd);
    }
  };
  return {
    read(start, end) {
      const out = new Uint8Array((end - start) * rowBytes);
      withReader((read) => read(start, end, out, 0));
      return out;
    },
    withReader,
  };
}

function openForReading(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const gone =
      code === 'ENOENT'
        ? ': it is gone, so its cache entry was replaced or removed while this node read it (rtlab run --force or rtlab cache gc elsewhere?); run again'
        : '';
    throw new RtlabError('input', `cannot read tensor file ${file} (${code ?? (e as Error).message})${gone}`);
  }
}

function readExactly(fd: number, file: string, into: Uint8Array, at: number, length: number, position: number): void {
  for (let done = 0; done < length;) {
    const n = fs.readSync(fd, into, at + done, length - done, position + done);
    if (n === 0)
      throw new RtlabError(
        'input',
        `tensor file ${file} ended at byte ${position + done}; it was truncated after it was written`,
      );
    done += n;
  }
}

/** Rows [start, end) of a FileTensor, without reading them: its parts narrowed to the range. */
export function sliceFileTensor(t: FileTensor, start: number, end: number): FileTensor {
  const rowBytes = rowBytesOf(t);
  const parts: FileTensor['parts'] = [];
  let first = 0;
  for (const part of t.parts) {
    const [from, to] = [Math.max(start, first), Math.min(end, first + part.rows)];
    if (from < to) parts.push({ file: part.file, rows: to - from, offset: part.offset + (from - first) * rowBytes });
    first += part.rows;
  }
  return { dtype: t.dtype, shape: [end - start, ...t.shape.slice(1)], parts };
}
