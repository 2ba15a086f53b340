import { NodeStatus } from './node-status';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface NodeRecord {
  type: 'node';
  node: string;
  key: string;
  plugin: string;
  status: NodeStatus;
  durationMs: number;
  backend: string;
  /** host:pid of the queue workers that computed it. */
  workers?: string[];
  /** Bytes of inputs copied to worker threads to compute it (inputs a worker held from an earlier job are not). */
  copiedBytes?: number;
  error?: string;
}

export interface RunHeader {
  type: 'run';
  pipeline: string;
  file: string;
  startedAt: string;
  backend: string;
  /** The device the backend ran on, where it names one (webgpu's adapter). */
  device?: string;
  threads: number;
  argv: string[];
  /** The git commit of the folder holding the pipeline file (with "-dirty" when it has changes), where it is in a repository. */
  commit?: string;
  /** The cache the run read and wrote (absolute), where `report` and `compare` find its artifacts. */
  cacheDir?: string;
}

/** The pipeline as it ran: each node's plugin, inputs and the params that differ from its plugin's defaults. */
export interface PipelineLine {
  type: 'pipeline';
  nodes: {
    id: string;
    kind: string;
    plugin: string;
    version: string;
    inputs: Record<string, string | string[]>;
    params: Record<string, unknown>;
  }[];
}

/** The last line of a run that finished (or was interrupted): its duration and outcome counts. */
export interface EndLine {
  type: 'end';
  durationMs: number;
  aborted: boolean;
  counts: Record<string, number>;
}

export type RecordLine = RunHeader | PipelineLine | NodeRecord | EndLine;

/**
 * Appends one JSON line per event to `runs/<pipeline>/<timestamp>/record.jsonl`. Each line is written
 * whole with one append, so a killed run leaves a readable record of what finished.
 */
export class RunRecord {
  readonly file: string;

  constructor(runsDir: string, pipeline: string, startedAt: Date) {
    const stamp = startedAt.toISOString().replace(/:/g, '-').replace('.', '-');
    let dir = path.join(runsDir, pipeline, stamp);
    for (let i = 1; fs.existsSync(dir); i++) dir = path.join(runsDir, pipeline, `${stamp}-${i}`);
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, 'record.jsonl');
  }

  append(line: RecordLine): void {
    fs.appendFileSync(this.file, JSON.stringify(line) + '\n');
  }
}

/**
 * The record's lines, checked. A last line that is not whole JSON is an append cut short (a killed run,
 * a full disk) and is left out; any other bad line is an error naming its number.
 */
export function readRecord(file: string): RecordLine[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: RecordLine[] = [];
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch (e) {
      if (i === lines.length - 1) return;
      throw new Error(`line ${i + 1}: ${(e as Error).message}`);
    }
    const problem = lineProblem(line);
    if (problem) throw new Error(`line ${i + 1}: ${problem}`);
    out.push(line as RecordLine);
  });
  return out;
}

/** The fields each kind of line must have (a reader relies on them); lines of other types are kept for newer readers. */
const REQUIRED: Record<RecordLine['type'], Record<string, 'string' | 'number' | 'object'>> = {
  run: { pipeline: 'string', startedAt: 'string', backend: 'string' },
  pipeline: { nodes: 'object' },
  node: { node: 'string', key: 'string', plugin: 'string', status: 'string' },
  end: { durationMs: 'number', counts: 'object' },
};

function lineProblem(line: unknown): string | undefined {
  if (!line || typeof line !== 'object' || Array.isArray(line)) return 'not a JSON object';
  const fields = REQUIRED[(line as { type: RecordLine['type'] }).type];
  if (!fields) return typeof (line as { type?: unknown }).type === 'string' ? undefined : 'no "type"';
  const wrong = Object.entries(fields).filter(
    ([name, type]) =>
      typeof (line as Record<string, unknown>)[name] !== type || (line as Record<string, unknown>)[name] === null,
  );
  if (wrong.length)
    return `a "${(line as { type: string }).type}" line needs ${wrong.map(([name, type]) => `"${name}" (${type})`).join(', ')}`;
  const nodeOk = (n: PipelineLine['nodes'][number]) =>
    n &&
    ['id', 'kind', 'plugin', 'version'].every((f) => typeof n[f as 'id'] === 'string') &&
    n.params &&
    typeof n.params === 'object';
  if (
    (line as { type: string }).type === 'pipeline' &&
    !(Array.isArray((line as PipelineLine).nodes) && (line as PipelineLine).nodes.every(nodeOk))
  ) {
    return 'a "pipeline" line needs a list of nodes, each with "id", "kind", "plugin", "version" and "params"';
  }
  return undefined;
}
