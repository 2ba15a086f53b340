// @rtlab/plugin-bounds: kind "score".
import { pluginModule } from '@rtlab/orchestrator';
import { asScorePlugin } from './plugins/as-score-plugin';
import { lemma1Plugin } from './plugins/lemma1-plugin';
import { theorem1Plugin } from './plugins/theorem1-plugin';

export { weightNorms, WeightNorms, spectralNorm, rowNorms } from './norms/weight-norms';
export { asScorePlugin, lemma1Plugin, theorem1Plugin };

export const rtlabModule = pluginModule([asScorePlugin, lemma1Plugin, theorem1Plugin]);
