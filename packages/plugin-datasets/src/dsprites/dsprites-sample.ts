import { RtlabError, SeededRng } from '@rtlab/sdk';
import { COMBINATIONS } from './dsprites-factors';

export type Split = 'train' | 'test' | 'all';

/** A fixed pseudo-random assignment of every combination to train or test, from `splitSeed` alone. */
export function inTestSplit(index: number, splitSeed: number, testFraction: number): boolean {
  let h = (index ^ Math.imul(splitSeed + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4294967296 < testFraction;
}

/**
 * `count` distinct row indices of the split among `total` rows (every combination, or the rows of a
 * smaller file), sorted, drawn with `rng`. Train and test never share a row, whatever the node seeds.
 */
export function sampleCombinations(
  count: number,
  split: Split,
  splitSeed: number,
  testFraction: number,
  rng: SeededRng,
  total = COMBINATIONS,
): Int32Array {
  const available = split === 'all' ? total : Math.floor(total * (split === 'test' ? testFraction : 1 - testFraction));
  if (count > available * 0.9) {
    throw new RtlabError(
      'input',
      `dsprites: count ${count} is too large for the ${split} split (about ${available} combinations)`,
    );
  }
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const i = rng.int(total);
    if (split === 'all' || inTestSplit(i, splitSeed, testFraction) === (split === 'test')) chosen.add(i);
  }
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}
