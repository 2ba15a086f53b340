import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { ResolvedNode, ResolvedPipeline } from '../validate/resolved-pipeline';
import { PipelineLine } from './run-record';

/** A node's params that differ from its plugin's defaults (params without a default always count). */
export function changedParams(node: ResolvedNode): Record<string, unknown> {
  const properties = (node.plugin.params.properties ?? {}) as Record<string, { default?: unknown }>;
  return Object.fromEntries(
    Object.entries(node.params).filter(
      ([name, value]) =>
        !('default' in (properties[name] ?? {})) || !isDeepStrictEqual(value, properties[name].default),
    ),
  );
}

/** The record line describing the pipeline as it runs. */
export function pipelineLine(pipeline: ResolvedPipeline): PipelineLine {
  return {
    type: 'pipeline',
    nodes: pipeline.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      plugin: n.plugin.name,
      version: n.plugin.version,
      inputs: n.inputs,
      params: changedParams(n),
    })),
  };
}

/** The commit checked out in `dir`'s repository, "-dirty" when its files differ from it ("-unknown-state" when git could not tell); undefined outside git. */
export function gitCommit(dir: string): string | undefined {
  const git = (...args: string[]) => spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', timeout: 5000 });
  const head = git('rev-parse', 'HEAD');
  if (head.status !== 0) return undefined;
  const status = git('status', '--porcelain', '--untracked-files=no');
  const state = status.status !== 0 ? '-unknown-state' : status.stdout.trim() !== '' ? '-dirty' : '';
  return `${head.stdout.trim()}${state}`;
}
