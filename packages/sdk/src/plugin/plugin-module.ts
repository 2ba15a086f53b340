import 'reflect-metadata';
import { ContainerModule, interfaces } from 'inversify';
import { Plugin } from './plugin';

/** The inversify service identifier every plugin is bound to. */
export const PLUGIN: interfaces.ServiceIdentifier<Plugin> = Symbol.for('rtlab.Plugin');

/**
 * A ContainerModule binding the given plugins; what a plugin package exports as `rtlabModule`.
 * @example export const rtlabModule = pluginModule([pgdPlugin(pgdLinf), pgdPlugin(pgdL2)]);
 */
export function pluginModule(plugins: Plugin[]): ContainerModule {
  return new ContainerModule((bind) => {
    for (const p of plugins) bind<Plugin>(PLUGIN).toConstantValue(p);
  });
}
