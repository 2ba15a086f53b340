/**
 * The seed of one sample's randomness: a 32-bit mix of the node's seed and the sample's index in the
 * whole dataset. Per-sample draws seeded this way do not depend on batch size, shard count or worker
 * count, only on the node and the sample.
 * @example tf.randomUniform(shape, -eps, eps, 'float32', sampleSeed(ctx.seed, firstSample + row))
 */
export function sampleSeed(nodeSeed: number, index: number): number {
  let h = Math.imul((nodeSeed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ index;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
