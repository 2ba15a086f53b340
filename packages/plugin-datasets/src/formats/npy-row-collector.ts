import { RtlabError } from '@rtlab/sdk';
import { NpyHeader, parseNpyHeader, rowBytes } from './npy';

/** Takes each wanted row as it completes: its position among the wanted rows, its bytes (reused for the next row). */
export type RowConsumer = (position: number, bytes: Uint8Array, header: NpyHeader) => void;

/**
 * Consumes a .npy file chunk by chunk and keeps only the wanted rows (sorted indices), so a 3 GB
 * array can be sampled in constant memory beyond the rows kept; with `onRow`, it keeps none and hands
 * each row over as it completes.
 */
export class NpyRowCollector {
  header?: NpyHeader;
  /** The wanted rows, in order; with `onRow`, only the row being read. */
  rows?: Uint8Array;
  private pending: Uint8Array = new Uint8Array(0);
  private dataSeen = 0;
  private next = 0;

  constructor(
    private readonly source: string,
    private readonly wanted: Int32Array,
    private readonly onRow?: RowConsumer,
  ) {}

  push(chunk: Uint8Array): void {
    if (!this.header) {
      this.pending = concat(this.pending, chunk);
      this.header = parseNpyHeader(this.pending, this.source);
      if (!this.header) return;
      const last = this.wanted.length ? this.wanted[this.wanted.length - 1] : -1;
      if (last >= this.header.shape[0])
        throw new RtlabError('input', `${this.source}: has ${this.header.shape[0]} rows, row ${last} was asked for`);
      this.rows = new Uint8Array((this.onRow ? 1 : this.wanted.length) * rowBytes(this.header));
      chunk = this.pending.subarray(this.header.dataOffset);
      this.pending = new Uint8Array(0);
    }
    this.consume(chunk);
  }

  private consume(chunk: Uint8Array): void {
    const size = rowBytes(this.header!);
    const start = this.dataSeen;
    const end = start + chunk.length;
    while (this.next < this.wanted.length) {
      const rowStart = this.wanted[this.next] * size;
      if (rowStart >= end) break;
      const from = Math.max(rowStart, start);
      const to = Math.min(rowStart + size, end);
      this.rows!.set(chunk.subarray(from - start, to - start), (this.onRow ? 0 : this.next * size) + (from - rowStart));
      if (rowStart + size > end) break;
      this.onRow?.(this.next, this.rows!, this.header!);
      this.next++;
    }
    this.dataSeen = end;
  }

  /** The wanted rows, checking that the array was complete. */
  finish(): { header: NpyHeader; rows: Uint8Array } {
    if (!this.header) throw new RtlabError('input', `${this.source}: truncated before the end of its .npy header`);
    const expected = this.header.shape[0] * rowBytes(this.header);
    if (this.dataSeen < expected) {
      const held = Math.floor(this.dataSeen / rowBytes(this.header));
      throw new RtlabError(
        'input',
        `${this.source}: its header claims ${this.header.shape[0]} rows, the file holds ${held} (${this.dataSeen} of ${expected} data bytes): truncated, or the header lies`,
      );
    }
    return { header: this.header, rows: this.rows! };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
