import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth so equal values give equal text', () => {
    const a = canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] });
    const b = canonicalJson({ a: [2, { c: 4, d: 3 }], b: 1 });
    expect(a).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(b).toBe(a);
  });

  it('round-trips through JSON.parse', () => {
    const v = { x: 'é"\\', n: -0.5, t: true, z: null, l: [] };
    expect(JSON.parse(canonicalJson(v))).toEqual(v);
  });

  it('rejects values without a JSON form, naming where they are', () => {
    expect(() => canonicalJson({ loss: [1, NaN] })).toThrow('#/loss/1: NaN has no JSON form');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('#/f: a function has no JSON form');
  });
});
