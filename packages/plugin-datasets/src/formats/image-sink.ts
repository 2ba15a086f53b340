import { FileTensor, FileTensorWriter, PluginContext } from '@rtlab/sdk';

/**
 * Where a loader puts the images it decodes, one at a time: one array in memory or, when they take more
 * than `ctx.partBytes`, files of at most that size written as it goes (the Dataset is then read from
 * disk batch by batch, and memory never holds more than one image).
 * @example
 * const sink = new ImageSink(ctx, count, [h, w, 3]);
 * for (let row = 0; row < count; row++) { decodeInto(sink.out, sink.offset(row)); sink.written(); }
 * return datasetArtifact({ images: sink.finish(), ... });
 */
export class ImageSink {
  /** The array to write the current image into, at `offset(row)`. */
  readonly out: Uint8Array;
  private readonly size: number;
  private readonly writer?: FileTensorWriter;

  constructor(ctx: PluginContext, count: number, shape: [number, number, number]) {
    this.size = shape[0] * shape[1] * shape[2];
    const perFile = Math.max(1, Math.floor(ctx.partBytes / this.size));
    if (count > perFile) this.writer = new FileTensorWriter(ctx.scratchDir(), 'images', 'uint8', shape, perFile);
    this.out = new Uint8Array((this.writer ? 1 : count) * this.size);
  }

  offset(row: number): number {
    return this.writer ? 0 : row * this.size;
  }

  /** The current image is complete. */
  written(): void {
    this.writer?.append(this.out);
  }

  finish(): Uint8Array | FileTensor {
    return this.writer?.finish() ?? this.out;
  }

  /** Closes the open file after a failure (the engine removes the scratch folder). */
  close(): void {
    this.writer?.close();
  }
}
