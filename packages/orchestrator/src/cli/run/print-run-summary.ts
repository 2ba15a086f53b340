import * as path from 'node:path';
import { RunSummary, describeError } from '../../run/run-pipeline';
import { RunRecord } from '../../run/run-record';
import { describeFailure } from '../describe-failure';
import { EXIT } from '../exit-codes';
import { terminalSafe } from '../../progress/terminal-safe';
import { writeFormats } from './write-formats';

/**
 * The end of a run: the sinks' tables on stdout and their formats beside the record, the record's last
 * line, the counts, and each failure; resolves to the exit code.
 */
export function printRunSummary(summary: RunSummary, record: RunRecord, ms: number, debug: boolean): number {
  for (const [id, artifact] of summary.outputs) {
    if (typeof artifact.meta.markdown === 'string') process.stdout.write(`\n${id}\n\n${artifact.meta.markdown}\n`);
    for (const file of writeFormats(id, artifact, path.dirname(record.file))) process.stderr.write(`wrote ${file}\n`);
  }
  const count = (s: string) => summary.results.filter((r) => r.status === s).length;
  record.append({
    type: 'end',
    durationMs: ms,
    aborted: summary.aborted,
    counts: Object.fromEntries(['computed', 'hit', 'joined', 'failed', 'skipped'].map((s) => [s, count(s)])),
  });
  const joined = count('joined') ? ` ${count('joined')} computed for another coordinator,` : '';
  process.stderr.write(
    `\n${summary.results.length} nodes: ${count('computed')} computed, ${count('hit')} cached,${joined} ${count('failed')} failed, ${count('skipped')} skipped in ${(ms / 1000).toFixed(1)}s; record: ${record.file}\n`,
  );
  if (summary.aborted) {
    process.stderr.write('interrupted: finished nodes are cached; rerun to continue\n');
    return EXIT.interrupted;
  }
  for (const f of summary.failed)
    process.stderr.write(
      `error: node "${f.id}" failed: ${terminalSafe(debug ? describeFailure(f.error, true) : describeError(f.error))}\n`,
    );
  return summary.failed.length ? EXIT.nodeFailed : EXIT.ok;
}
