import { RtlabError } from '@rtlab/sdk';
import { Architecture } from './architecture';
import { dspritesCnn } from './dsprites-cnn';
import { linear } from './linear';
import { parseBottleneckName, resnetBottleneck } from './resnet-bottleneck';
import { wideResNet } from './wide-resnet';
import { ModelMeta } from '../network/model-meta';
import { onnxArchitecture } from '../onnx/onnx-architecture';
import { OnnxProgram } from '../onnx/onnx-program';

const ARCHITECTURES = new Map<string, Architecture>([dspritesCnn, linear].map((a) => [a.name, a]));

/** The registered architecture of that name (a WideResNet or Bottleneck name is parsed); throws naming the known ones. */
export function architecture(name: string): Architecture {
  const wrn = /^wrn-(\d+)-(\d+)$/.exec(name);
  const bottleneck = parseBottleneckName(name);
  if (bottleneck && !ARCHITECTURES.has(name)) ARCHITECTURES.set(name, resnetBottleneck(bottleneck));
  else if (wrn && !ARCHITECTURES.has(name)) ARCHITECTURES.set(name, wideResNet(Number(wrn[1]), Number(wrn[2])));
  const a = ARCHITECTURES.get(name);
  if (!a)
    throw new RtlabError(
      'input',
      `unknown architecture "${name}"; known: ${[...ARCHITECTURES.keys()].join(', ')}, wrn-<depth>-<widen>, wrn-50-2, resnet-<b1>.<b2>.<b3>.<b4>-p<planes>-w<widthPerGroup>`,
    );
  return a;
}

/** Makes an architecture known by its name, for Model artifacts that name it. */
export function registerArchitecture(a: Architecture): void {
  ARCHITECTURES.set(a.name, a);
}

/** The architecture a Model artifact's metadata describes: an imported ONNX graph, or a registered name. */
export function architectureOf(meta: ModelMeta): Architecture {
  if (meta.onnx && typeof meta.onnx === 'object') return onnxArchitecture(meta as ModelMeta & { onnx: OnnxProgram });
  return architecture(meta.architecture);
}
