// Writers of tiny dataset files in the real distribution formats, for tests (never shipped data).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';

/** Pixel value of sample i at (y, x, channel c): distinct enough to catch layout mistakes. */
export const pixel = (i: number, y: number, x: number, c: number) => (i * 37 + y * 5 + x * 3 + c * 101) % 256;

function cifarRecords(count: number, first: number, labels: (i: number) => number[]): Buffer {
  const size = labels(0).length + 3072;
  const out = Buffer.alloc(count * size);
  for (let r = 0; r < count; r++) {
    const i = first + r;
    out.set(labels(i), r * size);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[r * size + labels(0).length + c * 1024 + y * 32 + x] = pixel(i, y, x, c);
    }
  }
  return out;
}

/** cifar-10-batches-bin/ with `perBatch` records in each of the 5 training batches and the test batch; label i % 10. */
export function writeCifar10(root: string, perBatch: number): string {
  const dir = path.join(root, 'cifar-10-batches-bin');
  fs.mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++)
    fs.writeFileSync(
      path.join(dir, `data_batch_${b}.bin`),
      cifarRecords(perBatch, (b - 1) * perBatch, (i) => [i % 10]),
    );
  fs.writeFileSync(
    path.join(dir, 'test_batch.bin'),
    cifarRecords(perBatch, 0, (i) => [i % 10]),
  );
  fs.writeFileSync(
    path.join(dir, 'batches.meta.txt'),
    'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n',
  );
  return dir;
}

/** cifar-100-binary/ with `count` records per split; coarse label i % 20, fine label i % 100. */
export function writeCifar100(root: string, count: number): string {
  const dir = path.join(root, 'cifar-100-binary');
  fs.mkdirSync(dir, { recursive: true });
  for (const split of ['train', 'test'])
    fs.writeFileSync(
      path.join(dir, `${split}.bin`),
      cifarRecords(count, 0, (i) => [i % 20, i % 100]),
    );
  return dir;
}

function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** fashion-mnist/ IDX files with `count` 28x28 images per split (gzipped or not); label i % 10. */
export function writeFashionMnist(root: string, count: number, gzip: boolean): string {
  const dir = path.join(root, 'fashion-mnist');
  fs.mkdirSync(dir, { recursive: true });
  const images = Uint8Array.from({ length: count * 784 }, (_, k) =>
    pixel(Math.floor(k / 784), Math.floor((k % 784) / 28), k % 28, 0),
  );
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  for (const prefix of ['train', 't10k']) {
    for (const [name, bytes] of [
      [`${prefix}-images-idx3-ubyte`, idx([count, 28, 28], images)],
      [`${prefix}-labels-idx1-ubyte`, idx([count], labels)],
    ] as const) {
      fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(bytes) : bytes);
    }
  }
  return dir;
}

/** A flat-colour JPEG (colour from the class) of the given size, at quality 100. */
export function writeJpeg(file: string, width: number, height: number, rgb: [number, number, number]): void {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], 4 * p);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, jpeg.encode({ data, width, height }, 100).data);
}

export const classColour = (label: number): [number, number, number] => [40 * label, 255 - 40 * label, 128];

/** Intel Image layout with `perClass` images of each class in both splits (sizes vary, as in the real set). */
export function writeIntelImage(root: string, perClass: number, size = 24): string {
  const dir = path.join(root, 'intel-image');
  ['buildings', 'forest', 'glacier', 'mountain', 'sea', 'street'].forEach((name, label) => {
    for (const split of ['seg_train', 'seg_test']) {
      for (let i = 0; i < perClass; i++)
        writeJpeg(path.join(dir, split, split, name, `${1000 + i}.jpg`), size, size - (i % 2) * 3, classColour(label));
    }
  });
  return dir;
}

/** <root>/imagenet/val/<wnid>/*.JPEG for the given wnids, `perClass` each, sizes varying. */
export function writeImagenetFolder(root: string, wnids: string[], perClass: number): string {
  const dir = path.join(root, 'imagenet', 'val');
  wnids.forEach((wnid, label) => {
    for (let i = 0; i < perClass; i++)
      writeJpeg(path.join(dir, wnid, `ILSVRC2012_val_${wnid}_${i}.JPEG`), 40 + 8 * i, 32, classColour(label));
  });
  return dir;
}
