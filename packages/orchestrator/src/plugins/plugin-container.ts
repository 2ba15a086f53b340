import 'reflect-metadata';
import { Plugin, PLUGIN } from '@rtlab/sdk';
import { Container, ContainerModule } from 'inversify';
import { PluginRegistry } from './plugin-registry';

/** A plugin module, and the folder its code lives in (where its stack frames point), when it came from a file. */
export interface PluginSource {
  module: ContainerModule;
  origin?: string;
}

/**
 * Loads plugin modules into one inversify container and indexes every plugin bound there, with the
 * folder of the module it came from (error messages point at the plugin's own stack frame).
 */
export function registryOf(sources: (ContainerModule | PluginSource)[]): PluginRegistry {
  const container = new Container();
  const origins = new Map<string, string>();
  const ids = () => new Set(container.isBound(PLUGIN) ? container.getAll(PLUGIN).map(idOf) : []);
  for (const source of sources) {
    const { module, origin } = source instanceof ContainerModule ? { module: source, origin: undefined } : source;
    const before = ids();
    container.load(module); // once, into the one container: a module may use what an earlier one bound
    if (origin) for (const id of ids()) if (!before.has(id)) origins.set(id, origin);
  }
  return new PluginRegistry(container.isBound(PLUGIN) ? container.getAll(PLUGIN) : [], origins);
}

const idOf = (p: Plugin) => `${p.kind}/${p.name}`;
