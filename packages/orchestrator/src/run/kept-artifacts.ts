import { Artifact, PluginInputs } from '@rtlab/sdk';
import { ArtifactCache } from '../cache/artifact-cache';
import { parentsOf } from '../dag/pipeline-dag';
import { ProgressReporter } from '../progress/progress-reporter';
import { ResolvedNode } from '../validate/resolved-pipeline';

/**
 * The artifacts a run holds in memory: each node's, from when it is computed or read until its last
 * consumer has finished (sinks' until the end). Inputs not held are read from the cache, once however
 * many consumers ask; one damaged or removed since the run began is computed again, once.
 */
export class KeptArtifacts {
  private readonly kept = new Map<string, Artifact>();
  private readonly loading = new Map<string, Promise<Artifact>>();
  private readonly pendingConsumers = new Map<string, number>();

  constructor(
    private readonly cache: ArtifactCache,
    private readonly keyOf: (id: string) => string,
    consumers: Map<string, string[]>,
    private readonly recompute: (id: string) => Promise<Artifact>,
    private readonly reporter: ProgressReporter,
  ) {
    for (const [id, c] of consumers) this.pendingConsumers.set(id, c.length);
  }

  keep(id: string, artifact: Artifact): void {
    this.kept.set(id, artifact);
  }

  get(id: string): Artifact | undefined {
    return this.kept.get(id);
  }

  /** The node's inputs, port by port (a list port gets a list). */
  async inputsOf(node: ResolvedNode): Promise<PluginInputs> {
    const inputs: PluginInputs = {};
    for (const [port, ref] of Object.entries(node.inputs)) {
      inputs[port] = Array.isArray(ref) ? await Promise.all(ref.map((r) => this.load(r))) : await this.load(ref);
    }
    return inputs;
  }

  /** A node finished (or failed): inputs that no other consumer still needs are let go. */
  consumed(node: ResolvedNode): void {
    for (const p of parentsOf(node)) {
      const left = this.pendingConsumers.get(p)! - 1;
      this.pendingConsumers.set(p, left);
      if (left === 0) this.kept.delete(p);
    }
  }

  private load(id: string): Promise<Artifact> {
    const kept = this.kept.get(id);
    if (kept) return Promise.resolve(kept);
    let loading = this.loading.get(id);
    if (!loading) {
      loading = this.cache.get(this.keyOf(id)).then(async (artifact) => {
        if (artifact) return artifact;
        this.reporter.info(`input "${id}" is no longer in the cache; computing it again`);
        return this.recompute(id);
      });
      this.loading.set(id, loading);
      void loading.finally(() => this.loading.delete(id)).catch(() => undefined);
    }
    return loading;
  }
}
