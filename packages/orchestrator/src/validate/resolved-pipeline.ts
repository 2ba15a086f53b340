import { Plugin } from '@rtlab/sdk';
import { MatrixValue } from '../pipeline/pipeline-file';

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
