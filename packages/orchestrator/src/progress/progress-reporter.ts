/** What the runner tells the user while nodes run. */
export interface ProgressReporter {
  info(message: string): void;
  nodeStarted(id: string): void;
  nodeProgress(id: string, done: number, total: number, note?: string): void;
  nodeFinished(id: string, status: 'hit' | 'computed' | 'failed' | 'skipped', durationMs: number, detail?: string): void;
  close(): void;
}

const SYMBOL = { hit: '·', computed: '✓', failed: '✗', skipped: '-' } as const;

export function finishLine(id: string, status: keyof typeof SYMBOL, durationMs: number, detail?: string): string {
  const time = status === 'computed' || status === 'failed' ? ` ${(durationMs / 1000).toFixed(1)}s` : '';
  const word = status === 'hit' ? 'cached' : status;
  return `${SYMBOL[status]} ${id} ${word}${time}${detail ? `: ${detail}` : ''}`;
}

/** Plain lines (non-TTY, CI logs): a line per finished node and at most one progress line per node every few seconds. */
export class LineReporter implements ProgressReporter {
  private readonly lastPrinted = new Map<string, number>();

  constructor(
    private readonly write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
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

  nodeFinished(id: string, status: 'hit' | 'computed' | 'failed' | 'skipped', durationMs: number, detail?: string): void {
    this.write(finishLine(id, status, durationMs, detail));
  }

  close(): void {}
}
