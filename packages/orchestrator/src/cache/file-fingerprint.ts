import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskInput } from '@rtlab/sdk';
import { FileHashes } from './file-hashes';

export interface Roots {
  dataRoot: string;
  modelRoot: string;
}

/** A symbolic link counts as the file it points to (loaders follow links). */
function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** One line per file: its path relative to the target and the sha256 of its contents. */
function listing(target: string, hashes: FileHashes): string[] {
  if (!fs.statSync(target).isDirectory()) return [hashes.sha256(target)];
  return filesIn(target).map((f) => `${path.relative(target, f)} ${hashes.sha256(f)}`);
}

/**
 * A digest of what a node reads from disk: sha256 over every file's relative path and contents
 * (contents come from `FileHashes`, read again only when a file's inode, size or mtime changed). It
 * depends on the bytes alone, never on file times, so a node's key and its seed are the same for
 * identical copies of a dataset, and any change of content is seen. "missing" when absent, so the key
 * changes once the file appears.
 */
export function fingerprint(input: DiskInput, roots: Roots, hashes: FileHashes): string {
  const target = targetOf(input, roots);
  if (!fs.existsSync(target)) return 'missing';
  return digestOf(listing(target, hashes));
}

/** The same digest, without blocking the event loop while files are read (a queue worker's check). */
export async function fingerprintAsync(input: DiskInput, roots: Roots, hashes: FileHashes): Promise<string> {
  const target = targetOf(input, roots);
  if (!fs.existsSync(target)) return 'missing';
  if (!(await fs.promises.stat(target)).isDirectory()) return digestOf([await hashes.sha256Async(target)]);
  const lines: string[] = [];
  for (const file of filesIn(target)) lines.push(`${path.relative(target, file)} ${await hashes.sha256Async(file)}`);
  return digestOf(lines);
}

/** The files a node that reads this folder sees, sorted: links to files count as files. */
function filesIn(target: string): string[] {
  return fs
    .readdirSync(target, { recursive: true, withFileTypes: true })
    .map((e) => ({ e, file: path.join(e.parentPath ?? e.path, e.name) }))
    .filter(({ e, file }) => e.isFile() || (e.isSymbolicLink() && isFile(file)))
    .map(({ file }) => file)
    .sort();
}

const targetOf = (input: DiskInput, roots: Roots) =>
  path.resolve(input.root === 'data' ? roots.dataRoot : roots.modelRoot, input.path);
const digestOf = (lines: string[]) => createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
