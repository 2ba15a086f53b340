// @rtlab/plugin-bounds: kind "score".
import { pluginModule } from '@rtlab/sdk';
import { accuracyPlugin } from './plugins/accuracy-plugin';
import { asScorePlugin } from './plugins/as-score-plugin';
import { lemma1Plugin } from './plugins/lemma1-plugin';
import { theorem1Plugin } from './plugins/theorem1-plugin';
import { theorem2Plugin } from './plugins/theorem2-plugin';

export { weightNorms, WeightNorms, spectralNorm, rowNorms } from './norms/weight-norms';
export { margins } from './margins/margins';
export { accuracyPlugin, asScorePlugin, lemma1Plugin, theorem1Plugin, theorem2Plugin };

export const rtlabModule = pluginModule([asScorePlugin, lemma1Plugin, theorem1Plugin, theorem2Plugin, accuracyPlugin]);
