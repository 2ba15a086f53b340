// @rtlab/plugin-models: kind "model", plus the network runtime other plugins build on.
import { pluginModule } from '@rtlab/orchestrator';
import { dspritesCnnPlugin } from './plugins/dsprites-cnn-plugin';

export { Architecture } from './architectures/architecture';
export { architecture, registerArchitecture } from './architectures/architectures';
export { dspritesCnn } from './architectures/dsprites-cnn';
export { linear, linearModel } from './architectures/linear';
export { wideResNet } from './architectures/wide-resnet';
export { BatchNormMode, EVAL } from './network/batch-norm-mode';
export { initHead } from './network/init';
export { ModelMeta } from './network/model-meta';
export { Network } from './network/network';
export { dspritesCnnPlugin };

export const rtlabModule = pluginModule([dspritesCnnPlugin]);
