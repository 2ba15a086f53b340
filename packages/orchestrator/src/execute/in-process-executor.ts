import { BackendInfo } from '@rtlab/sdk';
import { ProgressReporter } from '../progress/progress-reporter';
import { DeviceLock } from './device-lock';
import { Executor } from './executor';
import { JobResult, PluginJob } from './plugin-job';
import { PluginFinder, runPluginJob } from './run-plugin-job';

/** Runs jobs on this thread's backend, one at a time (the device is one). */
export class InProcessExecutor implements Executor {
  readonly size = 1;
  private readonly device = new DeviceLock();

  constructor(
    private readonly plugins: PluginFinder,
    private readonly backend: BackendInfo,
    private readonly reporter: ProgressReporter,
  ) {}

  run(job: PluginJob, signal: AbortSignal, started: () => void): Promise<JobResult> {
    return this.device.run(() => {
      signal.throwIfAborted();
      started();
      return runPluginJob(job, this.plugins, this.backend, this.reporter, signal);
    });
  }

  async close(): Promise<void> {}
}
