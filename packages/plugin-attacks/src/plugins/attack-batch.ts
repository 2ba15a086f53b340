import { DatasetView, imageBatch, labelsOf, targetColumn } from '@rtlab/sdk';
import { Network } from '@rtlab/plugin-models';
import * as tf from '@tensorflow/tfjs-core';
import { ObjectiveBatch } from '../objectives/objective';
import { ObjectiveName } from '../objectives/objectives';

/** Tensors of one batch: x0, g(x0) and whatever the objective compares with. Dispose with `tf.dispose`. */
/** Labels are included when the objective or the recorded predictions use them (`withLabels`). */
export function attackBatch(
  net: Network,
  data: DatasetView,
  start: number,
  end: number,
  objective: ObjectiveName,
  withLabels: boolean,
  target?: string,
): { x0: tf.Tensor4D; batch: ObjectiveBatch } {
  const [h, w, c] = data.imageShape;
  const x0 = tf.tensor4d(imageBatch(data, start, end), [end - start, h, w, c]);
  const batch: ObjectiveBatch = { cleanFeatures: tf.tidy(() => net.features(x0)) };
  if (objective === 'regression')
    batch.targets = tf.tensor2d(targetColumn(data, target!, start, end), [end - start, 1]);
  if (withLabels) {
    batch.labels = tf.tensor1d(labelsOf(data).subarray(start, end), 'int32');
  }
  return { x0, batch };
}

export function disposeBatch(x0: tf.Tensor, batch: ObjectiveBatch): void {
  tf.dispose([
    x0,
    batch.cleanFeatures,
    ...(batch.targets ? [batch.targets] : []),
    ...(batch.labels ? [batch.labels] : []),
  ]);
}
