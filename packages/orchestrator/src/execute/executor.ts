import { JobResult, PluginJob } from './plugin-job';

/**
 * Where plugin jobs run: in this thread (InProcessExecutor) or on worker threads (WorkerPool). The
 * pipeline run hands every node it must compute to its executor and never runs a plugin itself.
 */
export interface Executor {
  /** Threads that run jobs at once (what the run prints). */
  readonly size: number;
  /** True once it can run no more jobs (its worker threads keep crashing). */
  readonly broken?: boolean;
  /**
   * Runs the job, calling `started` when it leaves the queue. `signal` aborts it: a running job stops at
   * its next abort point, a queued one is dropped (in process: when the device frees).
   */
  run(job: PluginJob, signal: AbortSignal, started: () => void): Promise<JobResult>;
  close(): Promise<void>;
}
