// @rtlab/plugin-transfer: kinds "pretrain", "encode", "probe".
import { pluginModule } from '@rtlab/sdk';
import { encodeFeaturesPlugin } from './plugins/encode-features';
import { pretrainRegressionPlugin } from './plugins/pretrain-regression';
import { probeLinearPlugin } from './plugins/probe-linear';

export { featuresView, FeaturesView } from './features';
export { Adam } from './optim/adam';
export { SgdMomentum } from './optim/sgd-momentum';
export { makeOptimizer, scheduledRate } from './optim/make-optimizer';
export { encodeFeaturesPlugin, pretrainRegressionPlugin, probeLinearPlugin };

export const rtlabModule = pluginModule([pretrainRegressionPlugin, encodeFeaturesPlugin, probeLinearPlugin]);
