import { RtlabError } from '../errors/rtlab-error';
import { didYouMean } from '../validate/nearest-name';
import { parentsOf, ResolvedPipeline } from '../validate/resolved-pipeline';

/** Node id -> the ids that consume it. */
export function childrenOf(pipeline: ResolvedPipeline): Map<string, string[]> {
  const children = new Map<string, string[]>(pipeline.nodes.map((n) => [n.id, []]));
  for (const n of pipeline.nodes) for (const p of parentsOf(n)) children.get(p)!.push(n.id);
  return children;
}

/** The pipeline restricted to `targets` and everything they depend on (`rtlab run --only`). */
export function withAncestors(pipeline: ResolvedPipeline, targets: string[]): ResolvedPipeline {
  const byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
  const keep = new Set<string>();
  const visit = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    parentsOf(byId.get(id)!).forEach(visit);
  };
  for (const t of targets) {
    if (!byId.has(t)) throw new RtlabError('usage', `no node "${t}" in ${pipeline.file}${didYouMean(t, byId.keys())}`);
    visit(t);
  }
  return { ...pipeline, nodes: pipeline.nodes.filter((n) => keep.has(n.id)) };
}
