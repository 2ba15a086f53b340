import * as path from 'node:path';
import { PluginRegistry } from '../plugins/plugin-registry';
import { pluginRegistry } from '../plugins/load-plugin-modules';
import { loadConfig, RtlabConfig } from '../config/rtlab-config';

export interface GlobalOptions {
  config?: string;
  dataRoot?: string;
  modelRoot?: string;
  debug?: boolean;
}

export interface Workspace {
  config: RtlabConfig;
  registry: PluginRegistry;
}

/** The config of the working directory plus every installed and configured plugin. */
export function openWorkspace(opts: GlobalOptions): Workspace {
  const config = loadConfig(process.cwd(), opts.config);
  if (opts.dataRoot) config.dataRoot = path.resolve(opts.dataRoot);
  if (opts.modelRoot) config.modelRoot = path.resolve(opts.modelRoot);
  const registry = pluginRegistry(config.plugins);
  return { config, registry };
}
