import 'reflect-metadata';
import { PLUGIN } from '@rtlab/sdk';
import { Container, ContainerModule } from 'inversify';
import { PluginRegistry } from './plugin-registry';

/** Loads plugin modules into one inversify container and indexes every plugin bound there. */
export function registryOf(modules: ContainerModule[]): PluginRegistry {
  const container = new Container();
  container.load(...modules);
  return new PluginRegistry(container.isBound(PLUGIN) ? container.getAll(PLUGIN) : []);
}
