import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RtlabError } from '../errors/rtlab-error';
import { DType, FileTensor, TypedArray } from './artifact';
import { rowBytesOf } from './tensor-rows';

/**
 * Writes a tensor row by row into files of at most `rowsPerFile` rows each, so that a Dataset larger
 * than memory (or than one 4 GiB buffer) never exists in memory whole.
 * @example
 * const w = new FileTensorWriter(ctx.scratchDir(), 'images', 'uint8', [256, 256, 3], 4096);
 * for (const image of images) w.append(image);
 * return { type: 'Dataset', meta, tensors: { labels }, files: { images: w.finish() } };
 */
export class FileTensorWriter {
  private readonly rowBytes: number;
  private readonly parts: FileTensor['parts'] = [];
  private readonly tag = randomBytes(4).toString('hex');
  private fd: number | undefined;
  private rows = 0;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly dtype: DType,
    private readonly rowShape: number[],
    private readonly rowsPerFile: number,
  ) {
    if (!Number.isInteger(rowsPerFile) || rowsPerFile < 1)
      throw new RtlabError('input', `rows per file must be a positive integer, got ${rowsPerFile}`);
    this.rowBytes = rowBytesOf({ dtype, shape: [0, ...rowShape] });
  }

  /** Appends whole rows (their count is the data's length over a row's size). */
  append(data: TypedArray): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length % this.rowBytes !== 0)
      throw new RtlabError('plugin', `${this.name}: ${data.length} values are not whole rows of [${this.rowShape}]`);
    for (let at = 0; at < bytes.length;) {
      const part = this.openPart();
      const rows = Math.min(this.rowsPerFile - part.rows, (bytes.length - at) / this.rowBytes);
      const chunk = bytes.subarray(at, at + rows * this.rowBytes);
      for (let done = 0; done < chunk.length;) done += fs.writeSync(this.fd!, chunk, done);
      part.rows += rows;
      this.rows += rows;
      at += chunk.length;
    }
  }

  /** Closes the last file and describes the tensor written. */
  finish(): FileTensor {
    this.closePart();
    return { dtype: this.dtype, shape: [this.rows, ...this.rowShape], parts: this.parts.map((p) => ({ ...p })) };
  }

  /** Closes the open file (after a failure: the files stay for the engine to remove with the scratch folder). */
  close(): void {
    this.closePart();
  }

  private openPart(): FileTensor['parts'][number] {
    const last = this.parts.at(-1);
    if (this.fd !== undefined && last && last.rows < this.rowsPerFile) return last;
    this.closePart();
    const file = path.join(this.dir, `${this.name}-${this.tag}.${String(this.parts.length).padStart(4, '0')}.bin`);
    this.fd = fs.openSync(file, 'wx');
    const part = { file, rows: 0, offset: 0 };
    this.parts.push(part);
    return part;
  }

  private closePart(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
