import { datasetArtifact, Plugin, RtlabError } from '@rtlab/sdk';
import * as path from 'node:path';
import { DatasetSource, readDataFile } from '../formats/data-file';
import { idxDeclaredSize, parseIdx } from '../formats/idx';
import { LOADER_PARAMS_SCHEMA, LoaderParams, pickRows, subsetIndices, viewOf } from '../transforms/loader-params';

export interface FashionMnistParams extends LoaderParams {
  dir: string;
  split: 'train' | 'test';
}

const CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
const SOURCE: DatasetSource = {
  name: 'fashion-mnist',
  url: 'https://github.com/zalandoresearch/fashion-mnist',
  howTo:
    'Download the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into <data root>/fashion-mnist/',
};

/** The IDX file, gzipped or not. */
function idx(dir: string, name: string, dims: number) {
  const { file, bytes } = readDataFile([path.join(dir, `${name}.gz`), path.join(dir, name)], SOURCE, idxDeclaredSize);
  return { file, ...parseIdx(bytes, file, dims) };
}

/** `load/fashion-mnist`: Fashion-MNIST from its IDX files (gzipped or not): 28x28 grayscale, 10 classes. */
export const fashionMnistPlugin: Plugin<FashionMnistParams> = {
  kind: 'load',
  name: 'fashion-mnist',
  version: '1.0.0',
  description:
    'Fashion-MNIST from its IDX files (gzipped or not): 28x28 grayscale images, 10 classes; set grayscaleToRgb and resize for RGB networks.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dir: {
        type: 'string',
        default: 'fashion-mnist',
        description: 'Folder of the IDX files, relative to the data root.',
      },
      split: { enum: ['train', 'test'], default: 'train', description: 'train (60000) or t10k (10000).' },
      ...LOADER_PARAMS_SCHEMA,
    },
  },
  inputs: {},
  output: 'Dataset',
  reads: (p) => [{ root: 'data', path: p.dir }],
  async run(_inputs, p, ctx) {
    const dir = path.resolve(ctx.dataRoot, p.dir);
    const prefix = p.split === 'train' ? 'train' : 't10k';
    const images = idx(dir, `${prefix}-images-idx3-ubyte`, 3);
    const labels = idx(dir, `${prefix}-labels-idx1-ubyte`, 1);
    const [n, h, w] = images.shape;
    if (labels.shape[0] !== n)
      throw new RtlabError(
        'input',
        `${labels.file} has ${labels.shape[0]} labels for the ${n} images of ${images.file}`,
      );
    const bad = labels.data.findIndex((l) => l >= CLASSES.length);
    if (bad >= 0) throw new RtlabError('input', `${labels.file}: label ${labels.data[bad]} at ${bad}, expected 0-9`);
    const keep = subsetIndices(n, p, ctx, 'fashion-mnist');
    return datasetArtifact({
      images: pickRows(images.data, h * w, keep),
      imageShape: [h, w, 1],
      labels: Int32Array.from(keep, (i) => labels.data[i]),
      meta: { name: `fashion-mnist-${p.split}`, classes: CLASSES, ...(viewOf(p) ? { view: viewOf(p)! } : {}) },
    });
  },
};
