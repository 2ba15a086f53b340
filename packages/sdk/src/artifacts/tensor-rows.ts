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
}

export function rowBytesOf(t: Pick<HostTensor, 'dtype' | 'shape'>): number {
  return sizeOf(t.shape.slice(1)) * BYTES[t.dtype];
}

export function tensorRows(t: HostTensor | FileTensor): TensorRows {
  return 'data' in t ? memoryRows(t) : fileRows(t);
}

function memoryRows(t: HostTensor): TensorRows {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const rowBytes = rowBytesOf(t);
  return {
    count: t.shape[0], rowBytes,
    read: (start, end) => bytes.subarray(start * rowBytes, end * rowBytes),
  };
}

function fileRows(t: FileTensor): TensorRows {
  const rowBytes = rowBytesOf(t);
  return {
    count: t.shape[0], rowBytes,
    read(start, end) {
      const out = new Uint8Array((end - start) * rowBytes);
      let first = 0;
      for (const part of t.parts) {
        const [from, to] = [Math.max(start, first), Math.min(end, first + part.rows)];
        if (from < to) readExactly(part.file, out, (from - start) * rowBytes, (to - from) * rowBytes, part.offset + (from - first) * rowBytes);
        first += part.rows;
      }
      return out;
    },
  };
}

function readExactly(file: string, into: Uint8Array, at: number, length: number, position: number): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new RtlabError('input', `cannot read tensor file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    for (let done = 0; done < length;) {
      const n = fs.readSync(fd, into, at + done, length - done, position + done);
      if (n === 0) throw new RtlabError('input', `tensor file ${file} ended at byte ${position + done}; it was truncated after it was written`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
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
