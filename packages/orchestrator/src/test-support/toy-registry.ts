import * as path from 'node:path';
import { loadPluginModule } from '../plugins/load-plugin-modules';
import { registryOf } from '../plugins/plugin-container';
import { PluginRegistry } from '../plugins/plugin-registry';

/** The toy plugins file, loaded as a config-listed module would be. */
export const TOY_PLUGINS = path.join(__dirname, '../../fixtures/toy-plugins.js');

export function toyRegistry(): PluginRegistry {
  return registryOf([loadPluginModule(TOY_PLUGINS)]);
}
