/**
 * Up to `shards` contiguous [start, end) ranges covering `count` samples, each a multiple of `unit`
 * samples long (but the last), as even as that allows; fewer when there are not enough units.
 * @example shardRanges(10, 3, 2) // [[0, 2], [2, 6], [6, 10]]
 */
export function shardRanges(count: number, shards: number, unit: number): [number, number][] {
  const units = Math.ceil(count / Math.max(1, unit));
  const n = Math.max(1, Math.min(shards, units));
  const out: [number, number][] = [];
  for (let s = 0, done = 0; s < n; s++) {
    const take = Math.floor((units - done) / (n - s));
    const start = done * unit;
    done += take;
    out.push([start, Math.min(count, done * unit)]);
  }
  return out;
}
