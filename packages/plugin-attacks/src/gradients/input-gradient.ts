import * as tf from '@tensorflow/tfjs-core';

/** A per-sample loss of inputs x, which are rows [start, start + x.shape[0]) of the attacked batch. */
export type RowLoss = (x: tf.Tensor4D, start: number) => tf.Tensor1D;

/** The rows [start, start + size) of x, or x itself when that is all of it. */
function rows(x: tf.Tensor4D, start: number, size: number): tf.Tensor4D {
  return size === x.shape[0] ? x : tf.slice(x, [start], [size]);
}

/** d sum(loss) / dx, computed over chunks of rows when `chunk` is smaller than the batch. */
export function inputGradient(loss: RowLoss, x: tf.Tensor4D, chunk = x.shape[0]): tf.Tensor4D {
  const r = lossAndGradient(loss, x, chunk, false);
  r.loss.dispose();
  return r.grad;
}

/**
 * The per-sample loss at x and d sum(loss) / dx from one forward and one backward pass per chunk of rows.
 * With `withLoss` false the loss is not kept (`loss` is then an empty tensor, still the caller's to dispose).
 */
export function lossAndGradient(
  loss: RowLoss,
  x: tf.Tensor4D,
  chunk = x.shape[0],
  withLoss = true,
): { loss: tf.Tensor1D; grad: tf.Tensor4D } {
  const values: tf.Tensor[] = [];
  const grads: tf.Tensor[] = [];
  for (let start = 0; start < x.shape[0]; start += chunk) {
    const size = Math.min(chunk, x.shape[0] - start);
    grads.push(
      tf.tidy(() =>
        tf.grad((v: tf.Tensor) => {
          const l = loss(v as tf.Tensor4D, start);
          if (withLoss) values.push(tf.keep(tf.clone(l)));
          return tf.sum(l);
        })(rows(x, start, size)),
      ),
    );
  }
  const join = (parts: tf.Tensor[]) => {
    if (parts.length === 1) return parts[0];
    const joined = tf.concat(parts);
    tf.dispose(parts);
    return joined;
  };
  return {
    loss: (values.length ? join(values) : tf.tensor1d([])) as tf.Tensor1D,
    grad: join(grads) as tf.Tensor4D,
  };
}
