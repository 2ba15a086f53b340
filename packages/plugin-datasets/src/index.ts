// @rtlab/plugin-datasets: kind "load".
import { pluginModule } from '@rtlab/orchestrator';
import { dspritesPlugin } from './dsprites/dsprites-plugin';

export { dspritesPlugin } from './dsprites/dsprites-plugin';
export * from './dsprites/dsprites-factors';
export { parseNpyHeader, NpyHeader } from './formats/npy';

export const rtlabModule = pluginModule([dspritesPlugin]);
