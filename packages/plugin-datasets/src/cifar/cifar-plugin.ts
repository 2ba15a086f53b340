import { datasetArtifact, Plugin, PluginContext, RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetSource, readDataFile } from '../formats/data-file';
import { LOADER_PARAMS_SCHEMA, LoaderParams, subsetIndices, viewOf } from '../transforms/loader-params';
import { CIFAR_PIXELS, decodeRecord, recordCount } from './cifar-records';

export interface CifarParams extends LoaderParams {
  dir: string;
  split: 'train' | 'test';
  labels?: 'fine' | 'coarse';
}

interface CifarVariant {
  name: 'cifar10' | 'cifar100';
  dir: string;
  files: Record<'train' | 'test', string[]>;
  labelBytes: number;
  namesFile: (labels: 'fine' | 'coarse') => string;
  classCount: (labels: 'fine' | 'coarse') => number;
  source: DatasetSource;
}

const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const URL = 'https://www.cs.toronto.edu/~kriz/cifar.html';

const CIFAR10: CifarVariant = {
  name: 'cifar10',
  dir: 'cifar-10-batches-bin',
  labelBytes: 1,
  files: { train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), test: ['test_batch.bin'] },
  namesFile: () => 'batches.meta.txt',
  classCount: () => 10,
  source: {
    name: 'cifar10',
    url: URL,
    howTo:
      'Download "CIFAR-10 binary version" (cifar-10-binary.tar.gz) and extract it under the data root, which gives cifar-10-batches-bin/',
  },
};

const CIFAR100: CifarVariant = {
  name: 'cifar100',
  dir: 'cifar-100-binary',
  labelBytes: 2,
  files: { train: ['train.bin'], test: ['test.bin'] },
  namesFile: (labels) => `${labels}_label_names.txt`,
  classCount: (labels) => (labels === 'fine' ? 100 : 20),
  source: {
    name: 'cifar100',
    url: URL,
    howTo:
      'Download "CIFAR-100 binary version" (cifar-100-binary.tar.gz) and extract it under the data root, which gives cifar-100-binary/',
  },
};

/** Class names from the archive's names file; CIFAR-10's are known, CIFAR-100's are numbered if the file is absent. */
function classNames(v: CifarVariant, dir: string, labels: 'fine' | 'coarse'): string[] {
  const file = path.join(dir, v.namesFile(labels));
  const count = v.classCount(labels);
  if (fs.existsSync(file)) {
    const names = fs
      .readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === count) return names;
  }
  return v.name === 'cifar10' ? CIFAR10_CLASSES : Array.from({ length: count }, (_, i) => `class${i}`);
}

function load(v: CifarVariant, p: CifarParams, ctx: PluginContext) {
  const dir = path.resolve(ctx.dataRoot, p.dir);
  const labels = p.labels ?? 'fine';
  const parts = v.files[p.split].map((f) => {
    const { file, bytes } = readDataFile([path.join(dir, f)], v.source);
    return { file, bytes, count: recordCount(bytes, v.labelBytes, file) };
  });
  const total = parts.reduce((s, x) => s + x.count, 0);
  const keep = subsetIndices(total, p, ctx, v.name);
  const images = new Uint8Array(keep.length * 3 * CIFAR_PIXELS);
  const out = new Int32Array(keep.length);
  const classes = classNames(v, dir, labels);
  let part = 0;
  let first = 0;
  keep.forEach((i, row) => {
    while (i >= first + parts[part].count) first += parts[part++].count;
    out[row] = decodeRecord(
      parts[part].bytes,
      v.labelBytes,
      i - first,
      labels === 'coarse' ? 0 : v.labelBytes - 1,
      images,
      row * 3 * CIFAR_PIXELS,
    );
    if (out[row] >= classes.length)
      throw new RtlabError(
        'input',
        `${parts[part].file}: record ${i - first} has label ${out[row]}, but ${v.name} has ${classes.length} classes: not the ${v.name} binary version`,
      );
  });
  const meta = {
    name: `${v.name}-${p.split}`,
    classes,
    ...(v.name === 'cifar100' ? { labelSet: labels } : {}),
    ...(viewOf(p) ? { view: viewOf(p)! } : {}),
  };
  return datasetArtifact({ images, imageShape: [32, 32, 3], labels: out, meta });
}

function cifarPlugin(v: CifarVariant): Plugin<CifarParams> {
  return {
    kind: 'load',
    name: v.name,
    version: '1.0.0',
    description: `${v.name === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} from its binary version: 32x32 RGB images and class labels.`,
    params: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dir: {
          type: 'string',
          default: v.dir,
          description: 'Folder of the extracted binary version, relative to the data root.',
        },
        split: { enum: ['train', 'test'], default: 'train', description: 'Training or test records.' },
        ...(v.name === 'cifar100'
          ? {
              labels: {
                enum: ['fine', 'coarse'],
                default: 'fine',
                description: '100 fine classes or 20 coarse superclasses.',
              },
            }
          : {}),
        ...LOADER_PARAMS_SCHEMA,
      },
    },
    inputs: {},
    output: 'Dataset',
    reads: (p) => [{ root: 'data', path: p.dir }],
    async run(_inputs, p, ctx) {
      return load(v, p, ctx);
    },
  };
}

export const cifar10Plugin = cifarPlugin(CIFAR10);
export const cifar100Plugin = cifarPlugin(CIFAR100);
