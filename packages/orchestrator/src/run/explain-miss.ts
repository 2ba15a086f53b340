import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArtifactCache } from '../cache/artifact-cache';
import { NodeRecord, readRecord } from './run-record';

/** The paths at which two JSON values differ, with old and new values. */
export function jsonDiff(a: unknown, b: unknown, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const objects = a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b);
  if (!objects) return [`${at || '/'}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`];
  const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
  return keys.flatMap((k) =>
    jsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`),
  );
}

/** The node keys of the latest earlier run of a pipeline, from its run records. */
export function previousKeys(runsDir: string, pipeline: string): Map<string, string> {
  const dir = path.join(runsDir, pipeline);
  const runs = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  for (const run of runs.reverse()) {
    const file = path.join(dir, run, 'record.jsonl');
    if (!fs.existsSync(file)) continue;
    const nodes = readRecord(file).filter((l): l is NodeRecord => l.type === 'node');
    if (nodes.length) return new Map(nodes.map((n) => [n.node, n.key]));
  }
  return new Map();
}

/** Why a node's key is not in the cache, compared with the previous run of the same node. */
export function explainMiss(
  node: string,
  canonical: string,
  previousKey: string | undefined,
  cache: ArtifactCache,
): string {
  if (!previousKey) return 'not computed before';
  const previous = cache.info(previousKey);
  if (!previous) return `previous entry ${previousKey.slice(0, 12)} is gone (removed by gc/clear, or corrupt)`;
  const diff = jsonDiff(JSON.parse(previous.producer.canonical), JSON.parse(canonical)).map(shortenInputChange);
  return diff.length
    ? `changed since the last run: ${diff.join('; ')}`
    : `same description as ${previousKey.slice(0, 12)}, but that entry is missing`;
}

/** "/inputs/x: \"1eb4…\" -> \"3b4e…\"" reads better as "input x changed". */
function shortenInputChange(line: string): string {
  const m = /^\/inputs\/([^:/]+)(\/\d+)?:/.exec(line);
  return m ? `input "${m[1]}" changed upstream` : line;
}
