/** A pipeline file as authored (README, "Writing a pipeline"). */
export type MatrixValue = string | number | boolean;

export interface NodeSpec {
  kind: string;
  plugin: string;
  description?: string;
  /** port name -> node id, or a list of node ids; templated ids gather over unbound matrix keys. */
  inputs?: Record<string, string | string[]>;
  params?: Record<string, unknown>;
  /** Extra matrix keys for this node only. */
  foreach?: Record<string, MatrixValue[]>;
}

export interface PipelineFile {
  $schema?: string;
  name: string;
  description?: string;
  seed: number;
  matrix?: Record<string, MatrixValue[]>;
  nodes: Record<string, NodeSpec>;
}
