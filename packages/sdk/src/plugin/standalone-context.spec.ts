import { standaloneContext } from './standalone-context';

describe('standaloneContext', () => {
  it('keeps the data and the model root apart', () => {
    const ctx = standaloneContext({ dataRoot: '/data', modelRoot: '/models' });
    expect([ctx.dataRoot, ctx.modelRoot]).toEqual(['/data', '/models']);
    expect(standaloneContext({ dataRoot: '/data' }).modelRoot).toBe('.');
  });

  it('derives its rng from the seed', () => {
    expect(standaloneContext({ seed: 7 }).rng.uniform()).toBe(standaloneContext({ seed: 7 }).rng.uniform());
    expect(standaloneContext({ seed: 7 }).rng.uniform()).not.toBe(standaloneContext({ seed: 8 }).rng.uniform());
    expect(standaloneContext({ seed: 7 }).seed).toBe(7);
  });
});
