import { Plugin, pluginModule, RtlabError } from '@rtlab/sdk';
import { ContainerModule } from 'inversify';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PluginSource, registryOf } from './plugin-container';
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

/**
 * The folder a module's code lives in: its package's root (the nearest folder above its entry with a
 * package.json), or the file's own folder.
 */
export function originOf(specifier: string): string | undefined {
  let file: string;
  try {
    file = require.resolve(specifier);
  } catch {
    return undefined;
  }
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(file);
  }
}

/** A plugin module with the folder of its code. */
export function pluginSource(specifier: string): PluginSource {
  return { module: loadPluginModule(specifier), origin: originOf(specifier) };
}

/** The built-in plugin packages that are installed (a missing one is simply absent). */
export function builtInModules(): PluginSource[] {
  return BUILT_IN_PLUGIN_PACKAGES.filter((pkg) => originOf(pkg) !== undefined).map(pluginSource);
}

/**
 * Every plugin this process can run: the installed built-in packages plus the configured modules.
 * The CLI and each worker build their registry here, so both resolve the same plugins.
 */
export function pluginRegistry(configured: string[]): PluginRegistry {
  return registryOf([...builtInModules(), ...configured.map(pluginSource)]);
}
