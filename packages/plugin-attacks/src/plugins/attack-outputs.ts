import {
  Artifact,
  AttackObjective,
  attackResultArtifact,
  AttackResultFields,
  mean,
  RtlabError,
  sizeOf,
} from '@rtlab/sdk';
import { Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { ObjectiveBatch } from '../objectives/objective';

/** Accumulates per-sample attack outputs batch by batch, then builds the AttackResult artifact. */
export class AttackOutputs {
  private readonly lossClean: Float32Array;
  private readonly lossAdv: Float32Array;
  private readonly repDistance: Float32Array;
  private readonly classification: boolean;
  private readonly logitsClean?: Float32Array;
  private readonly predClean?: Int32Array;
  private readonly predAdv?: Int32Array;
  private readonly labels?: Int32Array;
  private readonly adversarial?: Float32Array;

  constructor(
    private readonly count: number,
    private readonly net: Network,
    classifies: boolean,
    private readonly inputShape?: [number, number, number],
  ) {
    this.lossClean = new Float32Array(count);
    this.lossAdv = new Float32Array(count);
    this.repDistance = new Float32Array(count);
    this.classification = classifies;
    if (this.classification) {
      this.logitsClean = new Float32Array(count * net.meta.outputs);
      this.predClean = new Int32Array(count);
      this.predAdv = new Int32Array(count);
      this.labels = new Int32Array(count);
    }
    if (inputShape) this.adversarial = new Float32Array(count * sizeOf(inputShape));
  }

  /**
   * Losses at x0 and x', the exact representation shift, and for classifiers the logits and predictions.
   * Values are read asynchronously: a GPU backend (webgpu) has no synchronous read in Node.
   */
  async record(
    start: number,
    x0: tf.Tensor4D,
    xAdv: tf.Tensor4D,
    batch: ObjectiveBatch,
    loss?: (x: tf.Tensor4D) => tf.Tensor1D,
  ): Promise<void> {
    const outputs = tf.tidy(() => {
      const shift = tf.norm(tf.sub(this.net.features(xAdv), batch.cleanFeatures), 'euclidean', 1);
      const clean = this.classification ? this.net.head(batch.cleanFeatures) : undefined;
      return {
        shift,
        lossAdv: loss ? loss(xAdv) : undefined,
        lossClean: loss ? loss(x0) : undefined,
        logitsClean: clean,
        predClean: clean ? tf.argMax(clean, 1) : undefined,
        predAdv: clean ? tf.argMax(this.net.logits(xAdv), 1) : undefined,
      };
    });
    try {
      const read = (t?: tf.Tensor) => (t ? t.data() : Promise.resolve(undefined));
      const [shift, lossAdv, lossClean, logitsClean, predClean, predAdv, labels, adversarial] = await Promise.all([
        read(outputs.shift),
        read(outputs.lossAdv),
        read(outputs.lossClean),
        read(outputs.logitsClean),
        read(outputs.predClean),
        read(outputs.predAdv),
        this.classification ? read(batch.labels) : undefined,
        this.adversarial ? read(xAdv) : undefined,
      ]);
      this.repDistance.set(shift!, start);
      this.lossAdv.set(lossAdv ?? shift!, start);
      if (lossClean) this.lossClean.set(lossClean, start);
      if (this.classification) {
        this.logitsClean!.set(logitsClean!, start * this.net.meta.outputs);
        this.predClean!.set(predClean!, start);
        this.predAdv!.set(predAdv!, start);
        if (labels) this.labels!.set(labels, start);
      }
      if (adversarial) this.adversarial!.set(adversarial, start * (xAdv.size / xAdv.shape[0]));
    } finally {
      tf.dispose(Object.values(outputs).filter((t): t is tf.Tensor => t !== undefined));
    }
    const bad = this.lossAdv.subarray(start, start + xAdv.shape[0]).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new RtlabError(
        'plugin',
        `the attack loss is ${this.lossAdv[start + bad]} at sample ${start + bad}: the model or its inputs produce non-finite values`,
      );
  }

  artifact(meta: AttackResultFields['meta'] & { objective: AttackObjective }): Artifact {
    const n = this.count;
    return attackResultArtifact({
      objective: meta.objective,
      lossClean: this.lossClean,
      lossAdv: this.lossAdv,
      repDistance: this.repDistance,
      ...(this.classification
        ? {
            classification: {
              logitsClean: this.logitsClean!,
              outputs: this.net.meta.outputs,
              predClean: this.predClean!,
              predAdv: this.predAdv!,
              labels: this.labels!,
            },
          }
        : {}),
      ...(this.adversarial ? { adversarial: { data: this.adversarial, imageShape: this.inputShape! } } : {}),
      meta: {
        ...meta,
        count: n,
        meanLossClean: mean(this.lossClean),
        meanLossAdv: mean(this.lossAdv),
        meanRepDistance: mean(this.repDistance),
      },
    });
  }
}
