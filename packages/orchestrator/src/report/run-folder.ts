import * as fs from 'node:fs';
import * as path from 'node:path';
import { RtlabError } from '@rtlab/sdk';
import { EndLine, NodeRecord, PipelineLine, readRecord, RunHeader } from '../run/run-record';

export const RECORD_FILE = 'record.jsonl';
export const REPORT_FILE = 'report.html';

/** One run as its folder records it (`runs/<pipeline>/<time>/record.jsonl`). */
export interface RunFolder {
  dir: string;
  header: RunHeader;
  pipeline?: PipelineLine;
  /** The last line of each node (a node appears once per run). */
  nodes: NodeRecord[];
  end?: EndLine;
}

/** Whether a node's result exists: computed by the run, found in the cache, or computed by another run it joined. */
export const finished = (n: NodeRecord) => n.status === 'computed' || n.status === 'hit' || n.status === 'joined';

/** A run folder from a path to it (or to its record.jsonl), else a one-line error naming the path. */
export function readRunFolder(where: string): RunFolder {
  const dir = path.resolve(where.endsWith(RECORD_FILE) ? path.dirname(where) : where);
  const file = path.join(dir, RECORD_FILE);
  if (!fs.existsSync(file))
    throw new RtlabError(
      'usage',
      `${where} is not a run folder: it has no ${RECORD_FILE} (runs are under the runs folder, runs/<pipeline>/<time>/; "rtlab runs" lists them)`,
    );
  let lines;
  try {
    lines = readRecord(file);
  } catch (e) {
    throw new RtlabError('input', `${file} is not a run record: ${(e as Error).message}`);
  }
  const header = lines.find((l): l is RunHeader => l.type === 'run');
  if (!header) throw new RtlabError('input', `${file} has no run header line`);
  return {
    dir,
    header,
    pipeline: lines.find((l): l is PipelineLine => l.type === 'pipeline'),
    nodes: lines.filter((l): l is NodeRecord => l.type === 'node'),
    end: lines.find((l): l is EndLine => l.type === 'end'),
  };
}

/** Every run folder under `runsDir` (of one pipeline when named), oldest first; unreadable ones are skipped, each with a message to `skipped`. */
export function listRunFolders(
  runsDir: string,
  pipeline?: string,
  skipped: (why: string) => void = () => undefined,
): RunFolder[] {
  const pipelines = pipeline ? [pipeline] : safeList(runsDir);
  return pipelines
    .flatMap((p) => safeList(path.join(runsDir, p)).map((stamp) => path.join(runsDir, p, stamp)))
    .filter((dir) => fs.existsSync(path.join(dir, RECORD_FILE)))
    .flatMap((dir) => {
      try {
        return [readRunFolder(dir)];
      } catch (e) {
        skipped((e as Error).message);
        return [];
      }
    })
    .sort((a, b) => a.header.startedAt.localeCompare(b.header.startedAt));
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}
