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

export { Optimizer, OptimizerSettings } from './optim/optimizer';
export { StepResult } from './train/train-epochs';
export { PretrainParams } from './plugins/pretrain-regression';
export { ProbeParams } from './plugins/probe-linear';
export { FinetuneMode, FinetuneParams } from './plugins/finetune';
/** The package's plugins as an inversify module: what rtlab loads from it. */
export const rtlabModule = pluginModule([
  pretrainRegressionPlugin,
  encodeFeaturesPlugin,
  probeLinearPlugin,
  finetunePlugin,
]);
