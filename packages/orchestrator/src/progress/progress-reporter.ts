import { NodeStatus } from '../run/node-status';
import { terminalSafe } from './terminal-safe';
/** What the runner tells the user while nodes run. */
export interface ProgressReporter {
  info(message: string): void;
  nodeStarted(id: string): void;
  nodeProgress(id: string, done: number, total: number, note?: string): void;
  nodeFinished(id: string, status: NodeStatus, durationMs: number, detail?: string): void;
  close(): void;
}

const SYMBOL: Record<NodeStatus, string> = { hit: '·', computed: '✓', joined: '=', failed: '✗', skipped: '-' };

export function finishLine(id: string, status: NodeStatus, durationMs: number, detail?: string): string {
  const time = status !== 'hit' && status !== 'skipped' ? ` ${(durationMs / 1000).toFixed(1)}s` : '';
  const word = status === 'hit' ? 'cached' : status === 'joined' ? 'computed for another coordinator' : status;
  return `${SYMBOL[status]} ${id} ${word}${time}${detail ? `: ${detail}` : ''}`;
}

/** Plain lines (non-TTY, CI logs): a line per finished node and at most one progress line per node every few seconds. */
export class LineReporter implements ProgressReporter {
  private readonly lastPrinted = new Map<string, number>();

  constructor(
    private readonly write: (line: string) => void = (l) => process.stderr.write(terminalSafe(l) + '\n'),
    private readonly intervalMs = 5000,
  ) {}

  info(message: string): void {
    this.write(message);
  }

  nodeStarted(id: string): void {
    this.lastPrinted.set(id, Date.now());
    this.write(`… ${id} running`);
  }

  nodeProgress(id: string, done: number, total: number, note?: string): void {
    const now = Date.now();
    if (now - (this.lastPrinted.get(id) ?? 0) < this.intervalMs) return;
    this.lastPrinted.set(id, now);
    this.write(`  ${id} ${Math.round((100 * done) / Math.max(total, 1))}% (${done}/${total})${note ? ` ${note}` : ''}`);
  }

  nodeFinished(id: string, status: NodeStatus, durationMs: number, detail?: string): void {
    this.write(finishLine(id, status, durationMs, detail));
  }

  close(): void {}
}
