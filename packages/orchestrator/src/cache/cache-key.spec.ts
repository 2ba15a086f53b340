import { createHash } from 'node:crypto';
import { cacheKey, KeyDescription } from './cache-key';

const base: KeyDescription = {
  kind: 'load',
  plugin: 'dsprites',
  version: '1.0.0',
  params: { count: 10, split: 'train' },
  seed: 0,
  inputs: {},
};

describe('cacheKey', () => {
  it('is the sha256 of the canonical description, returned with it', () => {
    const k = cacheKey(base);
    expect(k.canonical).toBe(
      '{"inputs":{},"kind":"load","params":{"count":10,"split":"train"},"plugin":"dsprites","seed":0,"version":"1.0.0"}',
    );
    expect(k.key).toBe(createHash('sha256').update(k.canonical).digest('hex'));
  });

  it('ignores key order and changes with any field', () => {
    expect(cacheKey({ ...base, params: { split: 'train', count: 10 } }).key).toBe(cacheKey(base).key);
    const variants: KeyDescription[] = [
      { ...base, params: { count: 11, split: 'train' } },
      { ...base, seed: 1 },
      { ...base, version: '1.0.1' },
      { ...base, plugin: 'cifar10' },
      { ...base, inputs: { data: 'ab' } },
    ];
    const keys = new Set([base, ...variants].map((d) => cacheKey(d).key));
    expect(keys.size).toBe(variants.length + 1);
  });
});
