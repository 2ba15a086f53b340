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
}

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

  append(line: RunHeader | NodeRecord | Record<string, unknown>): void {
    fs.appendFileSync(this.file, JSON.stringify(line) + '\n');
  }
}

export function readRecord(file: string): (RunHeader | NodeRecord)[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
