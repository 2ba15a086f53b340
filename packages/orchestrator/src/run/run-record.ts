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
}

/** The pipeline as it ran: each node's plugin, inputs and the params that differ from its plugin's defaults. */
export interface PipelineLine {
  type: 'pipeline';
  nodes: { id: string; kind: string; plugin: string; version: string; inputs: Record<string, string | string[]>; params: Record<string, unknown> }[];
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

export function readRecord(file: string): RecordLine[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
