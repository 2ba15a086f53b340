import { Artifact } from './artifact';
import { attackResultArtifact, AttackResultFields, attackResultProblems } from './attack-result';

const f32 = (...v: number[]) => Float32Array.from(v);
const fields = (f: Partial<AttackResultFields> = {}): AttackResultFields => ({
  objective: 'representation',
  lossClean: f32(0, 0),
  lossAdv: f32(0.3, 0.5),
  repDistance: f32(0.3, 0.5),
  meta: { attack: 'my-attack', norm: 'linf', eps: 0.03 },
  ...f,
});

describe('the AttackResult contract', () => {
  it('builds an artifact from named fields, with the objective and count in its metadata', () => {
    const a = attackResultArtifact(fields());
    expect(a.meta).toEqual({ attack: 'my-attack', norm: 'linf', eps: 0.03, objective: 'representation', count: 2 });
    expect(Object.keys(a.tensors)).toEqual(['lossClean', 'lossAdv', 'repDistance']);
    expect(a.tensors.repDistance).toEqual({ dtype: 'float32', shape: [2], data: f32(0.3, 0.5) });
  });

  it('refuses a representation result whose AS_i (repDistance) and objective (lossAdv) differ: the AS = 0 a hand-built result gave', () => {
    expect(() => attackResultArtifact(fields({ lossAdv: f32(0, 0) }))).toThrow(
      'not a valid AttackResult: for objective representation, lossAdv must equal repDistance (AS_i); sample 0: lossAdv 0, repDistance 0.30000001192092896',
    );
    expect(() => attackResultArtifact(fields({ lossClean: f32(0, 0.1) }))).toThrow(
      /lossClean is \|\|g\(x\) - g\(x\)\|\| = 0; sample 1/,
    );
  });

  it('names each broken field of an artifact built by hand', () => {
    const hand: Artifact = {
      type: 'AttackResult',
      meta: { objective: 'loss', eps: -1 },
      tensors: {
        lossAdv: { dtype: 'float32', shape: [2], data: f32(1, 2) },
        repDistance: { dtype: 'int32', shape: [2], data: Int32Array.from([1, 2]) },
      },
    };
    expect(attackResultProblems(hand)).toEqual([
      'meta.objective must be one of ce, dlr, regression, representation, got "loss"',
      'meta.eps must be a number > 0, got -1',
      'tensor lossClean is missing',
      'tensor repDistance must be float32 [2], got int32 [2]',
    ]);
    const partial = attackResultArtifact(fields({ objective: 'ce', lossClean: f32(1, 1), lossAdv: f32(2, 2) }));
    partial.tensors.labels = { dtype: 'int32', shape: [2], data: Int32Array.from([0, 1]) };
    expect(attackResultProblems(partial)).toEqual([
      'tensors predClean, predAdv, labels come together; only labels given',
    ]);
  });
});
