// @rtlab/plugin-models: kind "model", plus the network runtime other plugins build on.
import { pluginModule } from '@rtlab/sdk';
import { dspritesCnnPlugin } from './plugins/dsprites-cnn-plugin';
import { resnetBottleneckPlugin } from './plugins/resnet-bottleneck-plugin';
import { wideResNetPlugin } from './plugins/wide-resnet-plugin';
import { onnxPlugin } from './plugins/onnx-plugin';

export { Architecture } from './architectures/architecture';
export { architecture, architectureOf, registerArchitecture } from './architectures/architectures';
export { dspritesCnn } from './architectures/dsprites-cnn';
export { linear, linearModel } from './architectures/linear';
export { wideResNet } from './architectures/wide-resnet';
export { resnetBottleneck, BottleneckConfig, WRN_50_2 } from './architectures/resnet-bottleneck';
export { readCheckpoint } from './checkpoint/read-checkpoint';
export { unpickle } from './checkpoint/pickle';
export { BatchNormMode, EVAL } from './network/batch-norm-mode';
export { initHead } from './network/init';
export { linearHead, softmaxCrossEntropy } from './network/linear-head';
export { ModelMeta } from './network/model-meta';
export { Network } from './network/network';
export { dspritesCnnPlugin, wideResNetPlugin, resnetBottleneckPlugin, onnxPlugin };

export { WideResNetParams } from './plugins/wide-resnet-plugin';
export { ResnetBottleneckParams } from './plugins/resnet-bottleneck-plugin';
export { OnnxParams } from './plugins/onnx-plugin';
export { UnpickleHooks } from './checkpoint/pickle';
export { Params, Padding } from './network/layers';
export { LayerGraph, LayerNode, applyNode, inputsOf, isLinear, MIXING_OPS, runGraph } from './graph/layer-graph';
export { GraphBuilder } from './graph/graph-builder';
/** The package's plugins as an inversify module: what rtlab loads from it. */
export const rtlabModule = pluginModule([dspritesCnnPlugin, wideResNetPlugin, resnetBottleneckPlugin, onnxPlugin]);
