import { MatrixValue } from '../pipeline/pipeline-file';
import { Plugin } from '../plugins/plugin';

/** A node that passed validation: its plugin resolved and its params completed with defaults. */
export interface ResolvedNode {
  id: string;
  template: string;
  bindings: Record<string, MatrixValue>;
  kind: string;
  plugin: Plugin;
  params: Record<string, unknown>;
  inputs: Record<string, string | string[]>;
}

/** A pipeline that passed validation; nodes are in a topological order (producers first). */
export interface ResolvedPipeline {
  file: string;
  name: string;
  seed: number;
  nodes: ResolvedNode[];
}

export function nodeById(pipeline: ResolvedPipeline): Map<string, ResolvedNode> {
  return new Map(pipeline.nodes.map((n) => [n.id, n]));
}

/** The producer ids a node reads from, in port order. */
export function parentsOf(node: Pick<ResolvedNode, 'inputs'>): string[] {
  return [...new Set(Object.values(node.inputs).flat())];
}
