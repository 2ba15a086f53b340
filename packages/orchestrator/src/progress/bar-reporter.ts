import { NodeStatus } from '../run/node-status';
import { MultiBar, Presets, SingleBar } from 'cli-progress';
import { finishLine, ProgressReporter } from './progress-reporter';
import { terminalSafe } from './terminal-safe';

/** A progress bar per running node (TTY only); finished nodes become log lines above the bars. */
export class BarReporter implements ProgressReporter {
  private readonly multibar = new MultiBar(
    { format: ' {bar} {percentage}% | {node} {note}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    Presets.shades_classic,
  );
  private readonly bars = new Map<string, SingleBar>();

  info(message: string): void {
    this.multibar.log(terminalSafe(message) + '\n');
  }

  nodeStarted(id: string): void {
    this.bars.set(id, this.multibar.create(1, 0, { node: id, note: '' }));
  }

  nodeProgress(id: string, done: number, total: number, note?: string): void {
    const bar = this.bars.get(id);
    bar?.setTotal(Math.max(total, 1));
    bar?.update(done, { node: id, note: terminalSafe(note ?? '') });
  }

  nodeFinished(id: string, status: NodeStatus, durationMs: number, detail?: string): void {
    const bar = this.bars.get(id);
    if (bar) this.multibar.remove(bar);
    this.bars.delete(id);
    this.multibar.log(terminalSafe(finishLine(id, status, durationMs, detail)) + '\n');
  }

  close(): void {
    this.multibar.stop();
  }
}
