// @rtlab/plugin-bounds: kinds "score" and "bound".
import { pluginModule } from '@rtlab/sdk';
import { accuracyPlugin } from './plugins/accuracy-plugin';
import { asBracketPlugin } from './plugins/as-bracket-plugin';
import { boundPlugin } from './plugins/bound-plugin';
import { asScorePlugin } from './plugins/as-score-plugin';
import { lemma1Plugin } from './plugins/lemma1-plugin';
import { theorem1Plugin } from './plugins/theorem1-plugin';
import { theorem2Plugin } from './plugins/theorem2-plugin';

export { weightNorms, WeightNorms, spectralNorm, rowNorms } from './norms/weight-norms';
export { margins } from './margins/margins';
export { accuracyPlugin, asScorePlugin, lemma1Plugin, theorem1Plugin, theorem2Plugin, asBracketPlugin, boundPlugin };
export { BoundParams } from './plugins/bound-plugin';
export { Ball, boundNorm, maximumOverBall } from './propagation/ball';
export { Interval, intervalBounds } from './propagation/interval-bounds';
export { GraphBounds, BoundMethod, BoundOptions, BOUND_METHODS } from './propagation/graph-bounds';
export { upperBound, BoundContext } from './propagation/backward-bound';
export { asUpperBound } from './bounds/as-upper';

export const rtlabModule = pluginModule([
  asScorePlugin,
  lemma1Plugin,
  theorem1Plugin,
  theorem2Plugin,
  accuracyPlugin,
  asBracketPlugin,
  ...(['ibp', 'crown-ibp', 'crown'] as const).map(boundPlugin),
]);
