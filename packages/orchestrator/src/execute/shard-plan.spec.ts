import { shardRanges } from './shard-plan';

describe('shardRanges', () => {
  it('cuts at multiples of the unit, as evenly as the units allow, covering every sample once', () => {
    expect(shardRanges(10, 3, 2)).toEqual([
      [0, 2],
      [2, 6],
      [6, 10],
    ]);
    expect(shardRanges(10, 2, 3)).toEqual([
      [0, 6],
      [6, 10],
    ]);
    expect(shardRanges(12, 5, 1)).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
      [6, 9],
      [9, 12],
    ]);
  });

  it('gives fewer shards when there are fewer units, and one for a single shard', () => {
    expect(shardRanges(5, 4, 4)).toEqual([
      [0, 4],
      [4, 5],
    ]);
    expect(shardRanges(5, 1, 2)).toEqual([[0, 5]]);
    expect(shardRanges(0, 3, 2)).toEqual([[0, 0]]);
  });
});
