import { Plugin } from '@rtlab/sdk';
import * as path from 'node:path';
import { LOADER_PARAMS_SCHEMA, LoaderParams } from '../transforms/loader-params';
import { classFolderSamples, FIT_SCHEMA, folderDataset, SIZE_SCHEMA } from './class-folders';
import { Fit } from './decode-image';

export interface IntelImageParams extends LoaderParams {
  dir: string;
  split: 'train' | 'test';
  size: [number, number];
  fit: Fit;
}

const CLASSES = ['buildings', 'forest', 'glacier', 'mountain', 'sea', 'street'];

/** `load/intel-image`: the Intel Image Classification folders (Kaggle layout), 6 scene classes. */
export const intelImagePlugin: Plugin<IntelImageParams> = {
  kind: 'load',
  name: 'intel-image',
  version: '1.1.0', // 1.1.0: JPEGs decoded as libjpeg-turbo (PIL, torchvision) does
  description:
    'Intel Image Classification in its Kaggle layout (seg_train/seg_train/<class>/*.jpg, seg_test/seg_test/...): 150x150 RGB scenes of 6 classes (buildings, forest, glacier, mountain, sea, street).',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dir: {
        type: 'string',
        default: 'intel-image',
        description: 'Folder holding seg_train/ and seg_test/, relative to the data root.',
      },
      split: { enum: ['train', 'test'], default: 'train', description: 'seg_train or seg_test.' },
      size: SIZE_SCHEMA(150),
      fit: FIT_SCHEMA('stretch'),
      ...LOADER_PARAMS_SCHEMA,
    },
  },
  inputs: {},
  output: 'Dataset',
  reads: (p) => [{ root: 'data', path: path.join(p.dir, `seg_${p.split}`) }],
  async run(_inputs, p, ctx) {
    const folder = `seg_${p.split}`;
    const root = path.resolve(ctx.dataRoot, p.dir, folder, folder);
    const samples = classFolderSamples(root, CLASSES, {
      name: 'intel-image',
      url: 'https://www.kaggle.com/datasets/puneet6060/intel-image-classification',
      howTo: `Download and unzip the Intel Image Classification archive into <data root>/${p.dir}/ (it holds seg_train/seg_train/<class>/ and seg_test/seg_test/<class>/)`,
    });
    return folderDataset(
      { name: `intel-image-${p.split}`, classes: CLASSES, samples, size: p.size, fit: p.fit },
      p,
      ctx,
    );
  },
};
