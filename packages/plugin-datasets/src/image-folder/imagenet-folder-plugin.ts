import { Plugin, RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { missing } from '../formats/data-file';
import { LOADER_PARAMS_SCHEMA, LoaderParams } from '../transforms/loader-params';
import { readClassIndex } from './class-index';
import { classFolderSamples, FIT_SCHEMA, folderDataset, SIZE_SCHEMA } from './class-folders';
import { Fit } from './decode-image';

export interface ImagenetFolderParams extends LoaderParams {
  dir: string;
  classIndex?: string;
  size: [number, number];
  fit: Fit;
  cropFraction: number;
}

const SOURCE = {
  name: 'imagenet-folder',
  url: 'https://image-net.org/download.php',
  howTo:
    'Lay out the ImageNet validation images by class, <data root>/<dir>/<wnid>/*.JPEG (e.g. with the usual valprep script)',
};

/** Labels of the wnid folders present: from the class index when given, else the sorted folder names. */
function classOrder(root: string, p: ImagenetFolderParams, dataRoot: string): { classes: string[]; present: string[] } {
  if (!fs.existsSync(root)) throw missing(root, SOURCE);
  const present = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (present.length === 0)
    throw new RtlabError('input', `imagenet-folder: ${root} has no class folders (<wnid>/*.JPEG)`);
  if (!p.classIndex) return { classes: present, present };
  const classes = readClassIndex(path.resolve(dataRoot, p.classIndex));
  const unknown = present.filter((w) => !classes.includes(w));
  if (unknown.length)
    throw new RtlabError(
      'input',
      `imagenet-folder: folders ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''} are not in ${p.classIndex}`,
    );
  return { classes, present };
}

/** `load/imagenet-folder`: JPEGs in one folder per class (<dir>/<wnid>/*.JPEG), e.g. the ImageNet validation set. */
export const imagenetFolderPlugin: Plugin<ImagenetFolderParams> = {
  kind: 'load',
  name: 'imagenet-folder',
  version: '1.1.0', // 1.1.0: JPEGs decoded as libjpeg-turbo (PIL, torchvision) does
  description:
    'Images in one folder per class (<dir>/<wnid>/*.JPEG), e.g. ImageNet validation; class index from the sorted wnids or a class index file.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dir: {
        type: 'string',
        default: 'imagenet/val',
        description: 'Folder of the class folders, relative to the data root.',
      },
      classIndex: {
        type: 'string',
        description:
          'Class index file relative to the data root: imagenet_class_index.json ({"0": ["n01440764", "tench"], ...}) or one wnid per line. Default: the sorted folder names.',
      },
      size: SIZE_SCHEMA(256),
      fit: FIT_SCHEMA('center-crop'),
      cropFraction: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 1,
        default: 1,
        description:
          'center-crop: the window kept, as a share of the shorter side (0.875 with size [224, 224] is Resize(256) + CenterCrop(224), RobustBench\'s "Res256Crop224").',
      },
      ...LOADER_PARAMS_SCHEMA,
    },
  },
  inputs: {},
  output: 'Dataset',
  reads: (p) => [
    { root: 'data', path: p.dir },
    ...(p.classIndex ? [{ root: 'data' as const, path: p.classIndex }] : []),
  ],
  async run(_inputs, p, ctx) {
    const root = path.resolve(ctx.dataRoot, p.dir);
    const { classes, present } = classOrder(root, p, ctx.dataRoot);
    const samples = classFolderSamples(root, present, SOURCE).map((s) => ({
      ...s,
      label: classes.indexOf(present[s.label]),
    }));
    return folderDataset(
      { name: 'imagenet-folder', classes, samples, size: p.size, fit: p.fit, crop: p.cropFraction },
      p,
      ctx,
    );
  },
};
