// @rtlab/plugin-transfer: kinds "pretrain", "encode", "probe", "finetune".
import { pluginModule } from '@rtlab/sdk';
import { encodeFeaturesPlugin } from './plugins/encode-features';
import { finetunePlugin } from './plugins/finetune';
import { pretrainRegressionPlugin } from './plugins/pretrain-regression';
import { probeLinearPlugin } from './plugins/probe-linear';

export { featuresView, FeaturesView } from './features';
export { Adam } from './optim/adam';
export { SgdMomentum } from './optim/sgd-momentum';
export { makeOptimizer, scheduledRate } from './optim/make-optimizer';
export { finetuneLoss, finetuneStep, FinetunePhase } from './train/finetune-step';
export { encodeFeaturesPlugin, pretrainRegressionPlugin, probeLinearPlugin, finetunePlugin };

export const rtlabModule = pluginModule([
  pretrainRegressionPlugin,
  encodeFeaturesPlugin,
  probeLinearPlugin,
  finetunePlugin,
]);
