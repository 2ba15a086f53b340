import { abortPoint } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { lossAndGradient, RowLoss } from '../gradients/input-gradient';
import { perSampleStarts } from '../restarts/per-sample-starts';
import { ApgdNorm } from './apgd-norm';
import { apgdSchedule } from './apgd-schedule';

/** How `runApgd` attacks. */
export interface ApgdSettings {
  eps: number;
  steps: number;
  bounds: [number, number];
  /** The seed of the random starts; each sample's is sampleSeed(seed, firstSample + row). */
  seed: number;
  firstSample?: number;
  /** Share of improving steps below which a checkpoint halves the step size (the reference's rho). */
  rho?: number;
  gradientBatch?: number;
  signal?: AbortSignal;
  /** Starting points instead of random ones (the reference's x_init). */
  start?: tf.Tensor4D;
  /** Sees every iterate after its checkpoint, and the step sizes then (tests compare trajectories). */
  onStep?: (step: number, x: tf.Tensor4D, stepSizes: Float64Array) => void;
}

/** Per-sample state APGD keeps on the host: the best loss, the step sizes and what its checks compare. */
class Checks {
  readonly lossSteps: Float32Array[];
  readonly stepSize: Float64Array;
  lossBestLastCheck: Float32Array;
  reducedLastCheck: Float32Array;

  constructor(
    steps: number,
    readonly lossBest: Float32Array,
    eps: number,
    private readonly rho: number,
  ) {
    this.lossSteps = Array.from({ length: steps }, () => new Float32Array(lossBest.length));
    this.stepSize = new Float64Array(lossBest.length).fill(2 * eps);
    this.lossBestLastCheck = lossBest.slice();
    this.reducedLastCheck = new Float32Array(lossBest.length).fill(1);
  }

  /** Samples whose loss rose in at most rho of the last k steps (the reference's index -1 wraps to the last row). */
  private oscillating(step: number, k: number, row: number): boolean {
    const n = this.lossSteps.length;
    let rose = 0;
    for (let c = 0; c < k; c++) if (this.lossSteps[step - c][row] > this.lossSteps[(step - c - 1 + n) % n][row]) rose++;
    return rose <= k * this.rho;
  }

  /** The samples whose step size halves at this checkpoint (and halves it). */
  halve(step: number, k: number): Uint8Array {
    const fl = Uint8Array.from(this.lossBest, (best, row) => {
      const noImprovement = this.reducedLastCheck[row] === 0 && this.lossBestLastCheck[row] >= best;
      return this.oscillating(step, k, row) || noImprovement ? 1 : 0;
    });
    this.reducedLastCheck = Float32Array.from(fl);
    this.lossBestLastCheck = this.lossBest.slice();
    fl.forEach((f, row) => (this.stepSize[row] /= f ? 2 : 1));
    return fl;
  }
}

/** Rows of `a` where mask is 1, rows of `b` elsewhere; disposes b. */
function takeWhere(mask: Uint8Array, a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  const out = tf.tidy(() => tf.where(tf.tensor4d(mask, [mask.length, 1, 1, 1], 'bool'), a, b));
  b.dispose();
  return out;
}

/**
 * Auto-PGD (Croce and Hein, ICML 2020) as their reference code runs it: initial step 2 eps, momentum 0.75
 * (none on the first step), step halving at checkpoints (`apgdSchedule`) where the loss rose in at most
 * rho of the steps since the last, or where the last check did not halve and the best loss did not
 * improve; a halving restarts from the best point. Returns each sample's best point and its loss.
 * The loss must be per sample (chunking by `gradientBatch` is exact).
 */
export async function runApgd(
  norm: ApgdNorm,
  loss: RowLoss,
  x0: tf.Tensor4D,
  s: ApgdSettings,
): Promise<{ x: tf.Tensor4D; loss: Float32Array }> {
  const clip = (x: tf.Tensor) => tf.clipByValue(x, s.bounds[0], s.bounds[1]) as tf.Tensor4D;
  const into = (x: tf.Tensor) => clip(norm.project(x as tf.Tensor4D, x0, s.eps));
  const evaluate = async (at: tf.Tensor4D) => {
    const r = lossAndGradient(loss, at, s.gradientBatch);
    const values = (await r.loss.data()) as Float32Array;
    r.loss.dispose();
    return { values, grad: r.grad };
  };
  let x = tf.tidy(() => clip(s.start ?? perSampleStarts(norm.randomStart, x0, s.eps, s.seed, s.firstSample)));
  const first = await evaluate(x).catch((e) => {
    x.dispose();
    throw e;
  });
  let grad = first.grad;
  let xBest = tf.clone(x);
  let gradBest = tf.clone(grad);
  let xOld = tf.clone(x);
  const checks = new Checks(s.steps, first.values, s.eps, s.rho ?? 0.75);
  const schedule = apgdSchedule(s.steps);
  let [k, sinceCheck] = [schedule.firstGap, 0];
  try {
    for (let i = 0; i < s.steps; i++) {
      if (s.signal) await abortPoint(s.signal);
      const a = i > 0 ? 0.75 : 1;
      const next = tf.tidy(() => {
        const step = tf.tensor4d(Float32Array.from(checks.stepSize), [x.shape[0], 1, 1, 1]);
        const plain = into(tf.add(x, tf.mul(norm.direction(grad), step)));
        return into(tf.add(tf.add(x, tf.mul(tf.sub(plain, x), a)), tf.mul(tf.sub(x, xOld), 1 - a)));
      });
      xOld.dispose();
      [xOld, x] = [x, next];
      grad.dispose();
      const now = await evaluate(x);
      grad = now.grad;
      checks.lossSteps[i].set(now.values);
      const improved = Uint8Array.from(now.values, (v, row) => (v > checks.lossBest[row] ? 1 : 0));
      if (improved.some((f) => f)) {
        xBest = takeWhere(improved, x, xBest);
        gradBest = takeWhere(improved, grad, gradBest);
        improved.forEach((f, row) => f && (checks.lossBest[row] = now.values[row]));
      }
      if (++sinceCheck === k) {
        const halved = checks.halve(i, k);
        if (halved.some((f) => f)) {
          x = takeWhere(halved, xBest, x);
          grad = takeWhere(halved, gradBest, grad);
        }
        k = Math.max(k - schedule.decrease, schedule.minGap);
        sinceCheck = 0;
      }
      s.onStep?.(i, x, checks.stepSize);
    }
  } catch (e) {
    xBest.dispose();
    throw e;
  } finally {
    tf.dispose([x, xOld, grad, gradBest]);
  }
  return { x: xBest, loss: checks.lossBest };
}
