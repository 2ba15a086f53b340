import { Artifact } from './artifact';
import { boundsArtifact } from './bounds';
import { contractProblems } from './contracts';
import { datasetArtifact } from './dataset';
import { ScoreRow, scoresArtifact, scoresProblems } from './scores';
import { featuresArtifact, featuresProblems } from './features';
import { modelArtifact, modelProblems } from './model';

const f32 = (n: number) => new Float32Array(n);
const meta = { architecture: 'linear', inputShape: [2, 2, 1] as [number, number, number], featureDim: 3, outputs: 2 };

describe('the Model contract', () => {
  it('builds a model whose head matches its metadata', () => {
    const weights = {
      'head.weight': { dtype: 'float32' as const, shape: [2, 3], data: f32(6) },
      'head.bias': { dtype: 'float32' as const, shape: [2], data: f32(2) },
    };
    expect(modelArtifact({ weights, meta }).tensors).toBe(weights);
  });

  it('names a head that does not fit the metadata, a missing architecture and a weight of another dtype', () => {
    const a: Artifact = {
      type: 'Model',
      meta: { inputShape: [2, 2, 1], featureDim: 3, outputs: 2 },
      tensors: {
        'head.weight': { dtype: 'float32', shape: [3, 2], data: f32(6) },
        other: { dtype: 'int32', shape: [1], data: new Int32Array(1) },
      },
    };
    expect(modelProblems(a)).toEqual([
      'meta.architecture must name the architecture',
      'weight other must be float32, got int32',
      'head.weight must be [outputs, featureDim] = [2, 3], got [3,2]',
      'head.bias must be [outputs] = [2], got none',
    ]);
  });
});

describe('the Features contract', () => {
  it('builds features with labels and targets, and names a width or factor count that does not fit', () => {
    const ok = featuresArtifact({
      features: f32(6),
      dim: 3,
      labels: Int32Array.from([0, 1]),
      targets: f32(2),
      meta: { dataset: 'd', factors: ['scale'], classes: ['a', 'b'] },
    });
    expect(ok.tensors.features.shape).toEqual([2, 3]);
    expect(() =>
      featuresArtifact({
        features: f32(6),
        dim: 3,
        targets: f32(4),
        meta: { dataset: 'd', factors: ['scale'], classes: [] },
      }),
    ).toThrow('not a valid Features artifact: meta.factors names 1 factors, tensor targets has 2 columns');
    expect(featuresProblems({ ...ok, meta: { ...ok.meta, dim: 4 } })).toEqual([
      "meta.dim must be the features' width 3, got 4",
    ]);
  });
});

describe('the Dataset and Scores contracts', () => {
  it('name labels outside the classes, targets other than the factors, and rows that are no objects', () => {
    const parts = {
      images: new Uint8Array(8),
      imageShape: [2, 2, 1] as [number, number, number],
      meta: { name: 'd', classes: ['a', 'b'], factors: ['scale'] },
    };
    expect(
      datasetArtifact({ ...parts, labels: Int32Array.from([0, 1]), targets: Float32Array.from([0.1, 0.2]) }).tensors
        .images.shape,
    ).toEqual([2, 2, 2, 1]);
    expect(() => datasetArtifact({ ...parts, labels: Int32Array.from([0, 2]) })).toThrow(
      'not a valid Dataset: label 2 of sample 1 is outside the 2 classes of meta.classes',
    );
    expect(() => datasetArtifact({ ...parts, targets: new Float32Array(4) })).toThrow(
      'meta.factors names 1 factors, targets has 2 columns',
    );
    expect(() => scoresArtifact([{ a: 1 }, [1, 2] as unknown as ScoreRow])).toThrow(
      'not a valid Scores artifact: meta.rows[1] must be an object of column -> value, got [1,2]',
    );
    expect(scoresProblems({ type: 'Scores', meta: {}, tensors: {} })).toEqual(['meta.rows must be a list of rows']);
  });
});

describe('the Bounds contract', () => {
  const f = (n: number[]) => Float32Array.from(n);
  it('builds a valid artifact and names each broken field of one built by hand', () => {
    const ok = boundsArtifact({
      featureLower: f([0, 1]),
      featureUpper: f([1, 2]),
      featureDim: 2,
      asUpper: f([0.5]),
      meta: { norm: 'linf', eps: 0.1, asMethod: 'ibp' },
    });
    expect(contractProblems(ok)).toEqual([]);
    const broken: Artifact = {
      type: 'Bounds',
      meta: { norm: 'l1', eps: -1 },
      tensors: { asUpper: { dtype: 'float32', shape: [2], data: f([0.5, NaN]) } },
    };
    expect(contractProblems(broken)).toEqual([
      'featureLower must be float32 [N, m]',
      'featureUpper must be float32 [N, m]',
      'asUpper must be >= 0 everywhere',
      'meta.norm must be "linf" or "l2"',
      'meta.eps must be a number >= 0',
      'meta.asMethod must name the method',
    ]);
  });
});
