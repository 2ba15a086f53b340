import { canonicalJson } from '../../cache/canonical-json';
import { KeyDescription } from '../../cache/cache-key';

/** What differs between this worker's description and the one the job says it was made from. */
export function difference(ours: KeyDescription, claimed: string | undefined): string {
  let theirs: Record<string, unknown>;
  try {
    theirs = JSON.parse(claimed ?? '');
  } catch {
    return 'the job carries no description of its own to compare';
  }
  const fields = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  const differences: string[] = [];
  for (const field of fields) {
    const [a, b] = [(ours as unknown as Record<string, unknown>)[field], theirs[field]];
    if (field === 'version' && a !== b) differences.push(`plugin version ${b} in the job, ${a} on this worker`);
    else if (field === 'files')
      differences.push(
        ...fileDifferences(a as Record<string, string> | undefined, b as Record<string, string> | undefined),
      );
    else if (isRecord(a) && isRecord(b))
      differences.push(
        ...Object.keys({ ...a, ...b })
          .filter((k) => same(a[k], b[k]) === false)
          .map((k) => `${field}.${k}: ${show(b[k])} in the job, ${show(a[k])} here`),
      );
    else if (same(a, b) === false) differences.push(`${field}: ${show(b)} in the job, ${show(a)} here`);
  }
  return differences.length ? differences.join('; ') : 'its key is not the hash of the description it carries';
}

function fileDifferences(ours: Record<string, string> = {}, theirs: Record<string, string> = {}): string[] {
  return Object.keys({ ...ours, ...theirs })
    .filter((f) => ours[f] !== theirs[f])
    .map((f) => {
      const [root, ...rest] = f.split(':');
      return `${root} file "${rest.join(':')}" ${ours[f] === 'missing' ? 'is missing on this worker' : `differs on this worker (fingerprint ${theirs[f] ?? 'none'} in the job, ${ours[f] ?? 'none'} here)`}`;
    });
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => {
  try {
    return canonicalJson(a ?? null) === canonicalJson(b ?? null);
  } catch {
    return false;
  }
};
const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
