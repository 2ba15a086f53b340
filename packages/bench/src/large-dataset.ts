import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { SeededRng } from '@rtlab/sdk';

/**
 * Peak memory of a Dataset larger than memory: a synthetic ImageNet-style folder of N JPEGs at 256x256
 * (ImageNet validation is N = 50 000: 9.8 GB as uint8), loaded by load/imagenet-folder (kept in files,
 * see PluginContext.partBytes), then encoded once by a WideResNet-10-1 that sees the images resized to
 * 32x32 per batch. Each step is one `rtlab run` measured by GNU time (peak RSS of the whole process,
 * worker threads included).
 *   npm run bench:large-dataset -- [--images 50000] [--dir DIR] [--out FILE] [--part-bytes N]
 */
const SIZE = 256;
const CLASSES = 100;

const BIN = path.join(path.dirname(require.resolve('@rtlab/orchestrator/package.json')), 'bin/rtlab.js');

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

/** Smooth seeded patterns (sums of sinusoids per channel): JPEGs of ImageNet's size on disk, a few KB each. */
async function writeJpegFolder(root: string, images: number): Promise<void> {
  const rng = new SeededRng(11);
  const rgb = Buffer.alloc(SIZE * SIZE * 3);
  for (let i = 0; i < images; i++) {
    const dir = path.join(root, `n${String(i % CLASSES).padStart(8, '0')}`);
    if (i < CLASSES) fs.mkdirSync(dir, { recursive: true });
    const waves = Array.from({ length: 3 }, () => [rng.uniform() * 0.2, rng.uniform() * 0.2, rng.uniform() * 6.3]);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        for (let c = 0; c < 3; c++)
          rgb[(y * SIZE + x) * 3 + c] = 128 + 100 * Math.sin(waves[c][0] * x + waves[c][1] * y + waves[c][2]);
      }
    }
    await sharp(rgb, { raw: { width: SIZE, height: SIZE, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(path.join(dir, `${String(i).padStart(8, '0')}.JPEG`));
    if (i % 5000 === 0) console.log(`  wrote ${i} of ${images} JPEGs`);
  }
}

function countJpegs(root: string): number {
  if (!fs.existsSync(root)) return 0;
  return fs.readdirSync(root).reduce((n, d) => n + fs.readdirSync(path.join(root, d)).length, 0);
}

/** One `rtlab run`: its wall time and GNU time's peak RSS. */
function timedRun(dir: string, ...args: string[]): { seconds: number; peakRssMiB: number } {
  const t = Date.now();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'peak-rss-kb %M',
      process.execPath,
      BIN,
      '--data-root',
      'data',
      'run',
      'pipeline.json',
      '--cache-dir',
      'cache',
      ...args,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`rtlab run ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const kb = Number(/peak-rss-kb (\d+)/.exec(r.stderr)![1]);
  return { seconds: (Date.now() - t) / 1000, peakRssMiB: kb / 1024 };
}

function bytesUnder(dir: string, suffix: string): number {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .reduce((n, e) => n + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

async function main(args: string[]): Promise<void> {
  const images = Number(option(args, 'images', '50000'));
  const dir = path.resolve(option(args, 'dir', path.join(os.tmpdir(), `rtlab-large-dataset-${images}`)));
  const out = option(args, 'out', 'bench-results/large-dataset.json');
  const partBytes = option(args, 'part-bytes', '');
  const root = path.join(dir, 'data', 'val');
  if (countJpegs(root) !== images) {
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`writing ${images} JPEGs of ${SIZE}x${SIZE} under ${root}`);
    await writeJpegFolder(root, images);
  }
  fs.rmSync(path.join(dir, 'cache'), { recursive: true, force: true });
  fs.writeFileSync(
    path.join(dir, 'pipeline.json'),
    JSON.stringify({
      name: 'large-dataset',
      seed: 0,
      nodes: {
        data: { kind: 'load', plugin: 'imagenet-folder', params: { dir: 'val', size: [SIZE, SIZE], resize: [32, 32] } },
        net: { kind: 'model', plugin: 'wide-resnet', params: { depth: 10, widen: 1 } },
        features: {
          kind: 'encode',
          plugin: 'features',
          inputs: { model: 'net', data: 'data' },
          params: { batchSize: 256 },
        },
      },
    }),
  );
  const jpegBytes = bytesUnder(root, '.JPEG');
  console.log(`loading ${images} JPEGs (${(jpegBytes / 2 ** 30).toFixed(2)} GiB)`);
  const load = timedRun(dir, '--only', 'data', ...(partBytes ? ['--part-bytes', partBytes] : []));
  const storedBytes = bytesUnder(path.join(dir, 'cache'), '.bin');
  console.log(
    `  load: ${load.seconds.toFixed(0)} s, peak RSS ${load.peakRssMiB.toFixed(0)} MiB; stored ${(storedBytes / 2 ** 30).toFixed(2)} GiB of images in files`,
  );
  console.log('encoding it once (WRN-10-1, images resized to 32x32 per batch)');
  const encode = timedRun(dir);
  console.log(`  encode: ${encode.seconds.toFixed(0)} s, peak RSS ${encode.peakRssMiB.toFixed(0)} MiB`);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      { date: new Date().toISOString(), images, imageSize: SIZE, jpegBytes, storedBytes, load, encode },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${out}`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`large-dataset: ${(e as Error).message}`);
  process.exitCode = 1;
});
