import { Artifact, isAbortError } from '@rtlab/sdk';
import { Computed } from '../execute/node-runner';
import { ProgressReporter } from '../progress/progress-reporter';
import { ResolvedNode } from '../validate/resolved-pipeline';
import { NodeRecord, RunRecord } from './run-record';

export interface NodeResult {
  id: string;
  key: string;
  status: NodeRecord['status'];
  durationMs: number;
  error?: unknown;
  /** The worker processes (host:pid) that computed it, for nodes run on a queue. */
  workers?: string[];
  /** Bytes of inputs copied to worker threads to compute it. */
  copiedBytes?: number;
  /** The backend that computed it (a queue worker's), when not this process's. */
  backend?: string;
}

export interface RunSummary {
  results: NodeResult[];
  /** Artifacts of the sink nodes (those nothing consumes), e.g. tables to print, in pipeline order. */
  outputs: Map<string, Artifact>;
  failed: NodeResult[];
  aborted: boolean;
}

export function describeError(e: unknown): string {
  if (isAbortError(e)) return 'aborted';
  return e instanceof Error ? e.message : String(e);
}

/** Each node's result as it settles: kept, reported on the terminal, and written as a line of the run record. */
export class RunResults {
  private readonly results = new Map<string, NodeResult>();

  constructor(
    private readonly reporter: ProgressReporter,
    private readonly backend: string,
    private readonly record?: RunRecord,
  ) {}

  /** A node that ran to its end (hit, computed, joined) or failed, with what computing it gave. */
  finished(
    node: ResolvedNode,
    key: string,
    status: NodeResult['status'],
    durationMs: number,
    computed: Computed = { leaked: 0 },
    error?: unknown,
  ): void {
    const { workers, copiedBytes, backend } = computed;
    const where = workers ? { workers, backend } : {};
    this.settle(node, {
      id: node.id,
      key,
      status,
      durationMs,
      error,
      ...where,
      ...(copiedBytes !== undefined ? { copiedBytes } : {}),
    });
  }

  /** A node not run because an ancestor failed. */
  skipped(node: ResolvedNode, key: string, failedAncestor: string): void {
    this.settle(node, { id: node.id, key, status: 'skipped', durationMs: 0 }, `"${failedAncestor}" failed`);
  }

  get(id: string): NodeResult | undefined {
    return this.results.get(id);
  }

  private settle(node: ResolvedNode, result: NodeResult, note?: string): void {
    this.results.set(result.id, result);
    const shown =
      note ??
      (result.error ? describeError(result.error) : result.workers ? `on ${result.workers.join(', ')}` : undefined);
    this.reporter.nodeFinished(result.id, result.status, result.durationMs, shown);
    this.record?.append({
      type: 'node',
      node: result.id,
      key: result.key,
      plugin: `${node.kind}/${node.plugin.name}`,
      status: result.status,
      durationMs: result.durationMs,
      backend: result.backend ?? this.backend,
      ...(result.workers ? { workers: result.workers } : {}),
      ...(result.copiedBytes !== undefined ? { copiedBytes: result.copiedBytes } : {}),
      ...(result.error ? { error: describeError(result.error) } : {}),
    });
  }
}
