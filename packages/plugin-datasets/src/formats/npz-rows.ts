import { RtlabError } from '@rtlab/sdk';
import { Unzip, UnzipInflate } from 'fflate';
import * as fs from 'node:fs';
import { NpyHeader } from './npy';
import { NpyRowCollector, RowConsumer } from './npy-row-collector';

type Rows = { header: NpyHeader; rows: Uint8Array };

/**
 * Streams an .npz (a zip of .npy files, stored or deflated) through the collectors, stopping early once
 * `done()` holds. Fails with the file and the cause on a non-zip file or a broken entry.
 */
async function streamNpz(
  file: string,
  collectors: Map<string, NpyRowCollector>,
  done: () => boolean,
  signal?: AbortSignal,
): Promise<Set<string>> {
  const ended = new Set<string>();
  let failure: unknown;
  const unzip = new Unzip((entry) => {
    const collector = collectors.get(entry.name);
    if (!collector) return;
    entry.ondata = (err, chunk, final) => {
      if (err) failure ??= new RtlabError('input', `${file}: cannot decompress ${entry.name}: ${err.message}`);
      if (failure) return;
      try {
        collector.push(chunk);
      } catch (e) {
        failure = e;
      }
      if (final) ended.add(entry.name);
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      if (first && (chunk.length < 4 || chunk.readUInt32LE(0) !== 0x04034b50))
        throw new RtlabError('input', `${file}: not an .npz file (no zip signature)`);
      first = false;
      push(unzip, chunk, false, file);
      if (failure) throw failure;
      if (done()) return ended;
    }
    push(unzip, new Uint8Array(0), true, file);
  } finally {
    stream.destroy();
  }
  if (failure) throw failure;
  return ended;
}

function push(unzip: Unzip, chunk: Uint8Array, final: boolean, file: string): void {
  try {
    unzip.push(chunk, final);
  } catch (e) {
    throw new RtlabError('input', `${file}: truncated or corrupt zip (${(e as Error).message})`);
  }
}

function npyName(array: string): string {
  return `${array}.npy`;
}

/** The shape of one array of an .npz, reading only as far as its header. */
export async function readNpzShape(file: string, array: string, signal?: AbortSignal): Promise<number[]> {
  const collector = new NpyRowCollector(`${file}:${npyName(array)}`, new Int32Array(0));
  await streamNpz(file, new Map([[npyName(array), collector]]), () => collector.header !== undefined, signal);
  if (!collector.header) throw new RtlabError('input', `${file}: has no array ${array}`);
  return collector.header.shape;
}

/**
 * The wanted rows (sorted indices) of the named arrays, in one streaming pass. An array given a consumer
 * in `onRow` hands it each row instead of keeping them (its `rows` then hold only the last).
 */
export async function readNpzRows(
  file: string,
  arrays: string[],
  wanted: Int32Array,
  signal?: AbortSignal,
  onRow: Record<string, RowConsumer> = {},
): Promise<Record<string, Rows>> {
  const collectors = new Map(
    arrays.map((a) => [npyName(a), new NpyRowCollector(`${file}:${npyName(a)}`, wanted, onRow[a])]),
  );
  await streamNpz(file, collectors, () => false, signal);
  const out: Record<string, Rows> = {};
  for (const a of arrays) {
    const c = collectors.get(npyName(a))!;
    if (!c.header) throw new RtlabError('input', `${file}: has no array ${a}`);
    out[a] = c.finish();
  }
  return out;
}
