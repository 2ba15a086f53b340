import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskInput, RtlabError } from '@rtlab/sdk';
import { Roots } from '../../cache/file-fingerprint';

/**
 * The folders a queue worker reads from: its own data and model roots (`--data-root`, `--model-root`,
 * its rtlab.config.json's), and any it lists with `--allow-dir`. A job names paths relative to them; the
 * roots the coordinator sent are a hint for messages only.
 */
export interface WorkerRoots extends Roots {
  allowed: string[];
}

/** The real path of `p`, following links, for as much of it as exists (a missing file cannot escape through a link). */
function realPathOf(p: string): string {
  const missing: string[] = [];
  let existing = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return p;
      missing.push(path.basename(existing));
      existing = parent;
    }
  }
}

const within = (file: string, folder: string) =>
  file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);

/**
 * The links a folder holds, at any depth: only a link can lead a loader reading the folder out of it
 * (a recursive listing does not follow links to folders, so what lies below one is reached through it).
 */
function linksUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isSymbolicLink())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/**
 * The file or folder a job's node reads, resolved against this worker's roots; throws unless it (and,
 * for a folder, every file in it, through any link) lies inside those roots or the allowed folders.
 */
export function confineToRoots(input: DiskInput, roots: WorkerRoots, node: string): string {
  const root = input.root === 'data' ? roots.dataRoot : roots.modelRoot;
  const target = path.resolve(root, input.path);
  const folders = [root, ...roots.allowed].map(realPathOf);
  const outside = (file: string) => !folders.some((f) => within(realPathOf(file), f));
  const escape = outside(target)
    ? target
    : fs.existsSync(target) && fs.statSync(target).isDirectory()
      ? linksUnder(target).find(outside)
      : undefined;
  if (escape !== undefined) {
    const shown =
      escape === target
        ? `"${input.path}" (${realPathOf(target)})`
        : `${escape} (a link to ${realPathOf(escape)}), inside "${input.path}"`;
    throw new RtlabError(
      'input',
      `${node} reads ${shown}, outside this worker's ${input.root} root ${root}${roots.allowed.length ? ` and its allowed folders ${roots.allowed.join(', ')}` : ''} (rtlab worker --allow-dir adds a folder)`,
    );
  }
  return target;
}
