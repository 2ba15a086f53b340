import { Plugin, pluginModule, RtlabError } from '@rtlab/sdk';
import { ContainerModule } from 'inversify';
import { registryOf } from './plugin-container';
import { PluginRegistry } from './plugin-registry';

/** The plugin packages that ship with rtlab; each is loaded when installed. */
export const BUILT_IN_PLUGIN_PACKAGES = [
  '@rtlab/plugin-datasets',
  '@rtlab/plugin-models',
  '@rtlab/plugin-transfer',
  '@rtlab/plugin-attacks',
  '@rtlab/plugin-bounds',
  '@rtlab/plugin-reports',
];

function moduleFrom(exports: Record<string, unknown>, source: string): ContainerModule {
  const candidate = exports.rtlabModule ?? exports.default;
  if (candidate && typeof (candidate as ContainerModule).registry === 'function') return candidate as ContainerModule;
  if (Array.isArray(exports.plugins)) return pluginModule(exports.plugins as Plugin[]);
  throw new RtlabError(
    'config',
    `${source}: exports neither "rtlabModule" (an inversify ContainerModule) nor "plugins" (an array of plugins)`,
  );
}

/** Loads a plugin module by path or package name; a failure names the module and the cause. */
export function loadPluginModule(specifier: string): ContainerModule {
  let exports: Record<string, unknown>;
  try {
    exports = require(specifier);
  } catch (e) {
    throw new RtlabError('config', `cannot load plugin module ${specifier}: ${(e as Error).message.split('\n')[0]}`, {
      cause: e,
    });
  }
  return moduleFrom(exports, specifier);
}

/** The built-in plugin packages that are installed (a missing one is simply absent). */
export function builtInModules(): ContainerModule[] {
  const modules: ContainerModule[] = [];
  for (const pkg of BUILT_IN_PLUGIN_PACKAGES) {
    try {
      require.resolve(pkg);
    } catch {
      continue;
    }
    modules.push(loadPluginModule(pkg));
  }
  return modules;
}

/**
 * Every plugin this process can run: the installed built-in packages plus the configured modules.
 * The CLI and each worker build their registry here, so both resolve the same plugins.
 */
export function pluginRegistry(configured: string[]): PluginRegistry {
  return registryOf([...builtInModules(), ...configured.map(loadPluginModule)]);
}
