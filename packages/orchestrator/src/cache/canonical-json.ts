import { RtlabError } from '@rtlab/sdk';

/**
 * JSON with object keys sorted at every depth, so equal values give equal strings (and equal hashes).
 * Non-finite numbers and undefined have no JSON form and are rejected rather than silently changed.
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) === '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown, path = '#'): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RtlabError('input', `${path}: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}/${i}`)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], `${path}/${k}`)}`);
    return `{${entries.join(',')}}`;
  }
  throw new RtlabError('input', `${path}: a ${typeof value} has no JSON form`);
}
