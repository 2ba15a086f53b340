import { Artifact, PluginInputs } from '@rtlab/sdk';
import { PluginJob } from '../plugin-job';

/** An input slot: a port, and the position in it for a port that takes several artifacts. */
export interface InputSlot {
  port: string;
  index?: number;
  key: string;
}

/**
 * Which inputs a worker thread already holds (`use`: not sent again), which it must keep from this
 * job (`keep`) and which it may let go (`drop`), so that weights and datasets cross to a worker once.
 */
export interface HeldInputs {
  use: InputSlot[];
  keep: InputSlot[];
  drop: string[];
}

/** Bytes of inputs one worker thread keeps between jobs (least recently used go first). */
export const HELD_BYTES_PER_WORKER = 1 << 30;

function bytesOf(a: Artifact): number {
  return Object.values(a.tensors).reduce((n, t) => n + t.data.byteLength, 0);
}

function slots(job: PluginJob): { slot: InputSlot; artifact: Artifact }[] {
  const out: { slot: InputSlot; artifact: Artifact }[] = [];
  for (const [port, keys] of Object.entries(job.inputKeys ?? {})) {
    const value = job.inputs[port];
    if (Array.isArray(keys) && Array.isArray(value))
      keys.forEach((key, index) => out.push({ slot: { port, index, key }, artifact: value[index] }));
    else if (typeof keys === 'string' && value && !Array.isArray(value))
      out.push({ slot: { port, key: keys }, artifact: value });
  }
  return out;
}

/**
 * The main thread's mirror of what one worker thread holds. `plan` rewrites a job so that held inputs
 * are sent by key only; the worker obeys the plan, so both sides always agree on what is held.
 */
export class HeldInputsPlanner {
  /** key -> bytes, in least-recently-used order. */
  private readonly held = new Map<string, number>();

  constructor(private readonly budget = HELD_BYTES_PER_WORKER) {}

  plan(job: PluginJob): { spec: PluginJob; held: HeldInputs; copiedBytes: number } {
    const plan: HeldInputs = { use: [], keep: [], drop: [] };
    const inputs: PluginInputs = { ...job.inputs };
    for (const [port, value] of Object.entries(inputs)) if (Array.isArray(value)) inputs[port] = [...value];
    const used = new Set<string>();
    for (const { slot, artifact } of slots(job)) {
      const bytes = bytesOf(artifact);
      if (this.held.has(slot.key)) {
        this.touch(slot.key, bytes);
        plan.use.push(slot);
        used.add(slot.key);
        if (slot.index === undefined) delete inputs[slot.port];
        else (inputs[slot.port] as (Artifact | null)[])[slot.index] = null;
      } else if (bytes <= this.budget) {
        this.touch(slot.key, bytes);
        plan.keep.push(slot);
        used.add(slot.key);
      }
    }
    let total = [...this.held.values()].reduce((a, b) => a + b, 0);
    for (const [key, bytes] of this.held) {
      if (total <= this.budget) break;
      if (used.has(key)) continue;
      this.held.delete(key);
      plan.drop.push(key);
      total -= bytes;
    }
    const copiedBytes = Object.values(inputs)
      .flat()
      .reduce((n, a) => n + (a ? bytesOf(a) : 0), 0);
    return { spec: { ...job, inputs }, held: plan, copiedBytes };
  }

  private touch(key: string, bytes: number): void {
    this.held.delete(key);
    this.held.set(key, bytes);
  }
}

/** The worker's side: resolves the job's held inputs, keeps the new ones, lets dropped ones go. */
export class HeldInputsStore {
  private readonly held = new Map<string, Artifact>();

  resolve(job: PluginJob, plan: HeldInputs): PluginJob {
    for (const key of plan.drop) this.held.delete(key);
    const inputs: PluginInputs = { ...job.inputs };
    for (const slot of plan.keep) {
      const value = inputs[slot.port];
      const artifact = Array.isArray(value) ? value[slot.index!] : value;
      if (artifact) this.held.set(slot.key, artifact);
    }
    for (const slot of plan.use) {
      const artifact = this.held.get(slot.key);
      if (!artifact) throw new Error(`worker thread does not hold input ${slot.key.slice(0, 12)} (internal error)`);
      if (slot.index === undefined) inputs[slot.port] = artifact;
      else (inputs[slot.port] as Artifact[])[slot.index] = artifact;
    }
    return { ...job, inputs };
  }

  /** The buffers of held artifacts: never transferred away with a result that shares them. */
  buffers(): Set<ArrayBufferLike> {
    return new Set([...this.held.values()].flatMap((a) => Object.values(a.tensors).map((t) => t.data.buffer)));
  }
}
