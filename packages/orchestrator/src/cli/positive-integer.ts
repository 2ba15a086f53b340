import { RtlabError } from '@rtlab/sdk';

/** A command-line count: an integer of at least `min`, else a usage error naming the flag. */
export function positiveInteger(flag: string, value: string | number, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RtlabError('usage', `${flag} must be an integer >= ${min}, got ${value}`);
  return n;
}
