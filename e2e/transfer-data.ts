import * as path from 'node:path';
import {
  writeCifar10,
  writeCifar100,
  writeFashionMnist,
  writeImagenetFolder,
  writeIntelImage,
} from '../packages/plugin-datasets/src/test-support/dataset-files';
import { ROOT, set } from './rtlab-cli';

/** Tiny PyTorch checkpoints of the paper's network families (tools/make-torch-fixtures.py). */
export const FIXTURES = path.join(ROOT, 'packages/plugin-models/fixtures/torch');

/** The CIFAR-100 pipelines' WideResNet-34-10 as a WideResNet-10-1 fixture of the same family. */
export const CIFAR100_NET = set('net.depth=10', 'net.widen=1', 'net.checkpoint=wrn-10-1-c100.pt');
/** The ImageNet pipelines' WideResNet-50-2 as a small Bottleneck ResNet fixture of the same family. */
export const IMAGENET_NET = set(
  'net.blocks=[1,2,1,1]',
  'net.planes=4',
  'net.widthPerGroup=32',
  'net.checkpoint=resnet-1.2.1.1-p4-w32.pt',
);

/** Tiny files in the real formats of every dataset the paper's pipelines read, under `dir`/data. */
export function dataFolder(dir: string): string {
  const data = path.join(dir, 'data');
  writeCifar10(data, 4);
  writeCifar100(data, 6);
  writeFashionMnist(data, 12, true);
  writeIntelImage(data, 2);
  writeImagenetFolder(data, ['n01440764', 'n01443537', 'n02102040'], 2);
  return data;
}
