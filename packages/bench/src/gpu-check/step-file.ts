import * as fs from 'node:fs';
import * as path from 'node:path';

/** What every step writes: whether it passed, how long it took, and its own findings. */
export interface StepResult {
  passed: boolean;
  seconds?: number;
  error?: string;
  [finding: string]: unknown;
}

export const stepFile = (out: string, step: string) => path.join(out, 'steps', `${step}.json`);

/** Written beside and renamed into place, so a step killed at its time limit leaves its last whole result. */
export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(partial, file);
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
