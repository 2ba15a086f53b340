import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { RtlabError, RtlabErrorKind } from '@rtlab/sdk';
import { ProgressReporter } from '../../progress/progress-reporter';
import { Executor } from '../executor';
import { JobResult, PluginJob } from '../plugin-job';
import { HeldInputsPlanner } from './held-inputs';
import { FromWorker, RunMessage, WorkerSetup } from './worker-messages';

/** Crashes tolerated per worker before the pool stops replacing them (a backend that cannot start, say). */
const MAX_CRASHES_PER_WORKER = 3;

/** How long a running plugin has to stop after an abort before its worker is terminated. */
const ABORT_GRACE_MS = 3000;

interface Pending {
  spec: PluginJob;
  message?: RunMessage;
  copiedBytes?: number;
  started(): void;
  resolve(r: JobResult): void;
  reject(e: unknown): void;
}

/**
 * Runs plugin jobs on `size` worker threads, one job per worker at a time (each worker is a device
 * with its own wasm backend): data parallelism across nodes, which the wasm backend cannot do
 * within one Node thread. Inputs are copied to a worker once and held there for later jobs (weights a
 * sharded node's every shard reads); results are transferred back.
 */
export class WorkerPool implements Executor {
  private readonly idle: Worker[] = [];
  /** Workers still loading their plugins and backend: they take jobs once they say they are ready. */
  private readonly starting = new Set<Worker>();
  private readonly queue: Pending[] = [];
  private readonly running = new Map<number, { worker: Worker; pending: Pending }>();
  private readonly held = new Map<Worker, HeldInputsPlanner>();
  private nextJob = 1;
  private crashes = 0;
  private closing = false;

  constructor(
    private readonly setup: WorkerSetup,
    readonly size: number,
    private readonly reporter: ProgressReporter,
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  get broken(): boolean {
    return this.crashes > MAX_CRASHES_PER_WORKER * this.size;
  }

  /** A new worker thread; it joins the idle ones when ready, so one that cannot start never fails a job. */
  private spawn(): void {
    const worker = new Worker(path.join(__dirname, 'node-worker.js'), { workerData: this.setup });
    worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
    worker.on('error', (e) => this.onCrash(worker, e));
    // a thread that ends without an error while starting or running (process.exit in a plugin) is a crash too
    worker.on('exit', (code) => {
      if (!this.closing && (this.starting.has(worker) || [...this.running.values()].some((r) => r.worker === worker)))
        this.onCrash(worker, new Error(`the thread exited with code ${code}`));
    });
    this.held.set(worker, new HeldInputsPlanner());
    this.starting.add(worker);
  }

  run(spec: PluginJob, signal: AbortSignal, started: () => void): Promise<JobResult> {
    signal.throwIfAborted();
    if (this.broken)
      return Promise.reject(new RtlabError('plugin', 'worker threads keep crashing; see the errors above'));
    return new Promise((resolve, reject) => {
      const onAbort = () => this.abort(pending, signal.reason);
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          signal.removeEventListener('abort', onAbort);
          f(v);
        };
      const pending: Pending = { spec, started, resolve: settle(resolve), reject: settle(reject) };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(pending);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      const { spec, held, copiedBytes } = this.held.get(worker)!.plan(pending.spec);
      pending.message = { type: 'run', job: this.nextJob++, spec, held };
      pending.copiedBytes = copiedBytes;
      this.running.set(pending.message.job, { worker, pending });
      pending.started();
      worker.postMessage(pending.message);
    }
  }

  /**
   * A queued job is dropped; a running one is asked to stop, and its worker is terminated (and
   * replaced) if the plugin has not stopped within ABORT_GRACE_MS: a plugin that never yields to its
   * event loop cannot see the abort, and Ctrl-C must still end the run.
   */
  private abort(pending: Pending, reason: unknown): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.reject(reason);
      return;
    }
    const job = pending.message!.job;
    const entry = this.running.get(job);
    if (!entry) return;
    entry.worker.postMessage({ type: 'abort', job });
    setTimeout(() => {
      if (this.running.get(job) !== entry) return;
      this.running.delete(job);
      this.retire(entry.worker);
      this.spawn();
      pending.reject(reason);
      this.dispatch();
    }, ABORT_GRACE_MS).unref();
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    if (m.type === 'ready') {
      this.starting.delete(worker);
      this.idle.push(worker);
      this.dispatch();
      return;
    }
    const entry = this.running.get(m.job);
    if (!entry) return;
    if (m.type === 'progress') this.reporter.nodeProgress(entry.pending.spec.nodeId, m.done, m.total, m.note);
    else if (m.type === 'log') this.reporter.info(m.message);
    else {
      this.running.delete(m.job);
      this.idle.push(worker);
      if (m.type === 'done')
        entry.pending.resolve({ artifact: m.artifact, leaked: m.leaked, copiedBytes: entry.pending.copiedBytes });
      else entry.pending.reject(workerError(m));
      this.dispatch();
    }
  }

  /** A crashed worker's job fails; the worker is replaced, unless workers keep dying (then queued jobs fail too). */
  private onCrash(worker: Worker, e: Error): void {
    const idle = this.idle.indexOf(worker);
    if (idle >= 0) this.idle.splice(idle, 1);
    this.starting.delete(worker);
    this.held.delete(worker);
    for (const [job, entry] of this.running) {
      if (entry.worker !== worker) continue;
      this.running.delete(job);
      entry.pending.reject(new RtlabError('plugin', `worker thread crashed: ${e.message}`));
    }
    this.crashes++;
    if (this.broken) {
      for (const pending of this.queue.splice(0))
        pending.reject(new RtlabError('plugin', `worker threads keep crashing (last: ${e.message})`));
      return;
    }
    this.spawn();
    this.dispatch();
  }

  private retire(worker: Worker): void {
    this.held.delete(worker);
    void worker.terminate();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.idle, ...this.starting, ...[...this.running.values()].map((r) => r.worker)].map((w) => w.terminate()),
    );
  }
}

/** The worker's error as an RtlabError here, keeping the worker's stack for --debug. */
function workerError(m: Extract<FromWorker, { type: 'failed' }>): RtlabError {
  const e = new RtlabError((m.kind as RtlabErrorKind) ?? 'plugin', m.message);
  if (m.stack) e.stack = m.stack;
  return e;
}
