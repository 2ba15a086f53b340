import { Job } from 'bullmq';
import { ProgressReporter } from '../../progress/progress-reporter';
import { QueueJobProgress } from './queue-job';

/** Published progress per job at most this often (and always at its end). */
const PROGRESS_INTERVAL_MS = 500;

/** The worker's reporter: lines go to the terminal, node progress to the running job it belongs to. */
export class JobProgress implements ProgressReporter {
  private readonly jobs = new Map<string, (p: QueueJobProgress) => void>();

  constructor(private readonly base: ProgressReporter) {}

  /**
   * Publishes the progress the plugin reports under `id` to the job (throttled) until `unwatch`. The id
   * is the label, or the label with "#2", "#3"... while a job of the same label runs (two coordinators'
   * nodes of the same name on one worker).
   */
  watch(label: string, job: Pick<Job, 'updateProgress'>): { id: string; unwatch: () => void } {
    let id = label;
    for (let n = 2; this.jobs.has(id); n++) id = `${label}#${n}`;
    let last = 0;
    this.jobs.set(id, (p) => {
      if (Date.now() - last < PROGRESS_INTERVAL_MS && p.done < p.total) return;
      last = Date.now();
      void job.updateProgress(p as unknown as object).catch(() => undefined);
    });
    return { id, unwatch: () => this.jobs.delete(id) };
  }

  info(message: string): void {
    this.base.info(message);
  }
  nodeStarted(id: string): void {
    this.base.nodeStarted(id);
  }
  nodeProgress(id: string, done: number, total: number, note?: string): void {
    this.jobs.get(id)?.({ done, total, ...(note ? { note } : {}) });
  }
  nodeFinished(...args: Parameters<ProgressReporter['nodeFinished']>): void {
    this.base.nodeFinished(...args);
  }
  close(): void {
    this.base.close();
  }
}
