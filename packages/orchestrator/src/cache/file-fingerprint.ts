import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file or folder a node reads, relative to the data or the model root. */
export interface DiskInput {
  root: 'data' | 'model';
  path: string;
}

export interface Roots {
  dataRoot: string;
  modelRoot: string;
}

function listing(target: string): string[] {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return [`${stat.size} ${stat.mtimeMs}`];
  return fs.readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort()
    .map((f) => {
      const s = fs.statSync(f);
      return `${path.relative(target, f)} ${s.size} ${s.mtimeMs}`;
    });
}

/**
 * A digest of what a node reads from disk: sha256 over every file's relative path, size and
 * modification time (a replaced dataset or checkpoint changes it; reading contents would cost a full
 * read of ImageNet on every run). "missing" when absent, so the key changes once the file appears.
 */
export function fingerprint(input: DiskInput, roots: Roots): string {
  const target = path.resolve(input.root === 'data' ? roots.dataRoot : roots.modelRoot, input.path);
  if (!fs.existsSync(target)) return 'missing';
  return createHash('sha256').update(listing(target).join('\n')).digest('hex').slice(0, 16);
}
