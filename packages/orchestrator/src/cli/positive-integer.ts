import { RtlabError } from '@rtlab/sdk';

/** A command-line count: an integer of at least `min`, else a usage error naming the flag. */
export function positiveInteger(flag: string, value: string | number, min: number): number {
  const n = Number(value); // safe integers only: 1e20 would pass Number.isInteger and lose its digits
  if (!Number.isSafeInteger(n) || n < min)
    throw new RtlabError('usage', `${flag} must be an integer >= ${min}, got ${value}`);
  return n;
}
