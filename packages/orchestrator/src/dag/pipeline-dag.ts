import { RtlabError } from '@rtlab/sdk';
import { didYouMean } from '../validate/nearest-name';
import { ResolvedNode, ResolvedPipeline } from '../validate/resolved-pipeline';
import { ancestorsOf, Parents } from './dag';

/** The producer ids a node reads from, in port order. */
export function parentsOf(node: Pick<ResolvedNode, 'inputs'>): string[] {
  return [...new Set(Object.values(node.inputs).flat())];
}

/** A pipeline's DAG: node id -> the ids of the nodes it reads from. */
export function dagOf(pipeline: { nodes: readonly Pick<ResolvedNode, 'id' | 'inputs'>[] }): Parents {
  return new Map(pipeline.nodes.map((n) => [n.id, parentsOf(n)]));
}

/** The pipeline restricted to `targets` and everything they depend on (`rtlab run --only`). */
export function withAncestors(pipeline: ResolvedPipeline, targets: string[]): ResolvedPipeline {
  const ids = new Set(pipeline.nodes.map((n) => n.id));
  for (const t of targets) {
    if (!ids.has(t)) throw new RtlabError('usage', `no node "${t}" in ${pipeline.file}${didYouMean(t, ids)}`);
  }
  const keep = ancestorsOf(dagOf(pipeline), targets);
  return { ...pipeline, nodes: pipeline.nodes.filter((n) => keep.has(n.id)) };
}
