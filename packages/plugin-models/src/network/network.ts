import { Artifact, HEAD_BIAS, HEAD_WEIGHT, HostTensor, modelArtifact, RtlabError, SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { Architecture } from '../architectures/architecture';
import { architectureOf } from '../architectures/architectures';
import { BatchNormMode, EVAL } from './batch-norm-mode';
import { linearHead } from './linear-head';
import { ModelMeta } from './model-meta';
import { LayerGraph } from '../graph/layer-graph';

const isBuffer = (name: string) => /\.running_(mean|var)$|^normalize\./.test(name);

/**
 * A model in memory: representation g (an Architecture) plus an optional linear head f = W g + b,
 * with W [outputs, featureDim]. Owns its variables: call `dispose()` when done.
 * @example const net = Network.fromArtifact(model); const z = tf.tidy(() => net.logits(x)); net.dispose();
 */
export class Network {
  private constructor(
    readonly arch: Architecture,
    readonly meta: ModelMeta,
    private readonly vars: Map<string, tf.Variable>,
  ) {}

  /** A network with the artifact's weights; its metadata is a copy (setHead must not change an input another job may hold). */
  static fromArtifact(a: Artifact): Network {
    if (a.type !== 'Model') throw new RtlabError('input', `expected a Model artifact, got ${a.type}`);
    const meta = structuredClone(a.meta) as ModelMeta;
    const arch = architectureOf(meta);
    return new Network(arch, meta, Network.variables(a.tensors));
  }

  /** A freshly initialised g (no head), deterministic from rng. */
  static fresh(arch: Architecture, rng: SeededRng): Network {
    const meta: ModelMeta = {
      architecture: arch.name,
      inputShape: arch.inputShape,
      featureDim: arch.featureDim,
      outputs: 0,
    };
    return new Network(arch, meta, Network.variables(arch.init(rng)));
  }

  private static variables(tensors: Record<string, HostTensor>): Map<string, tf.Variable> {
    return new Map(
      Object.entries(tensors).map(([name, t]) => [
        name,
        tf.tidy(() => tf.variable(tf.tensor(t.data, t.shape, 'float32'), !isBuffer(name))),
      ]),
    );
  }

  /** A weight by name; throws naming the architecture when it has none of that name. */
  readonly param = (name: string): tf.Variable => {
    const v = this.vars.get(name);
    if (!v) throw new RtlabError('input', `${this.meta.architecture} model has no weight "${name}"`);
    return v;
  };

  get hasHead(): boolean {
    return this.vars.has(HEAD_WEIGHT);
  }

  /** g(x): the representation of a batch, [N, featureDim]. */
  features(x: tf.Tensor4D, bn: BatchNormMode = EVAL): tf.Tensor2D {
    this.checkInput(x.shape);
    return this.arch.features(this.param, x, bn);
  }

  /** Inputs of the wrong size fail here with what to change, not deep inside a layer. */
  private checkInput([, h, w, c]: number[]): void {
    const [eh, ew, ec] = this.meta.inputShape;
    if (ec === 0) return;
    if (c !== ec || (!this.arch.anySize && (h !== eh || w !== ew))) {
      const want = this.arch.anySize ? `${ec}-channel images` : `${eh}x${ew}x${ec} images`;
      throw new RtlabError(
        'input',
        `${this.meta.architecture} takes ${want}, the data gives ${h}x${w}x${c}: set "resize" and/or "grayscaleToRgb" on the load node`,
      );
    }
  }

  /** g in inference mode as a graph of layers (for bound propagation); dispose it when done. */
  layerGraph(): LayerGraph {
    if (!this.arch.graph)
      throw new RtlabError(
        'input',
        `the ${this.meta.architecture} architecture has no layer graph, so it cannot be bounded`,
      );
    return this.arch.graph(this.param);
  }

  /** f applied to given features: g W^T + b. */
  head(features: tf.Tensor2D): tf.Tensor2D {
    return linearHead(features, this.param(HEAD_WEIGHT) as tf.Tensor2D, this.param(HEAD_BIAS));
  }

  /** f(x) = W g(x) + b through the head. */
  logits(x: tf.Tensor4D, bn: BatchNormMode = EVAL): tf.Tensor2D {
    return this.head(this.features(x, bn));
  }

  /** Trainable variables of g, of the head, or of both. */
  trainable(part: 'representation' | 'head' | 'all'): tf.Variable[] {
    return [...this.vars]
      .filter(([n]) => !isBuffer(n) && (part === 'all' || (part === 'head') === n.startsWith('head.')))
      .map(([, v]) => v);
  }

  /** Sets a new head W [outputs, featureDim], b [outputs], taking ownership of both (the old head is disposed). */
  setHead(weight: tf.Tensor2D, bias: tf.Tensor1D, meta: Partial<ModelMeta>): void {
    for (const n of [HEAD_WEIGHT, HEAD_BIAS]) this.vars.get(n)?.dispose();
    this.vars.set(HEAD_WEIGHT, tf.variable(weight));
    this.vars.set(HEAD_BIAS, tf.variable(bias));
    tf.dispose([weight, bias]);
    Object.assign(this.meta, meta, { outputs: weight.shape[0] });
  }

  /** Running averages as PyTorch: r = (1 - m) r + m batch, with the unbiased batch variance. Disposes the updates. */
  applyBatchNormUpdates(bn: BatchNormMode, momentum = 0.1): void {
    for (const u of bn.updates ?? []) {
      tf.tidy(() => {
        const mean = this.param(`${u.name}.running_mean`);
        const variance = this.param(`${u.name}.running_var`);
        mean.assign(tf.add(tf.mul(mean, 1 - momentum), tf.mul(u.mean, momentum)));
        variance.assign(
          tf.add(tf.mul(variance, 1 - momentum), tf.mul(u.variance, (momentum * u.count) / Math.max(u.count - 1, 1))),
        );
      });
      tf.dispose([u.mean, u.variance]);
    }
    if (bn.updates) bn.updates.length = 0;
  }

  /** The weights as a Model artifact (read asynchronously: GPU backends have no synchronous read in Node). */
  async toArtifact(extra: Partial<ModelMeta> = {}): Promise<Artifact> {
    const tensors: Record<string, HostTensor> = {};
    for (const [name, v] of this.vars)
      tensors[name] = { dtype: 'float32', shape: [...v.shape], data: (await v.data()) as Float32Array };
    return modelArtifact({ weights: tensors, meta: { ...this.meta, ...extra } });
  }

  /** Frees the weights. */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
