import { HostTensor, SeededRng } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { BatchNormMode } from '../network/batch-norm-mode';
import { Params } from '../network/layers';
import { LayerGraph } from '../graph/layer-graph';

/** A network family: its input, its representation g, and its initialisation. */
export interface Architecture {
  name: string;
  /** [H, W, C] of the inputs it takes (images in [0, 1]). */
  inputShape: [number, number, number];
  /** Fully convolutional: any height and width work (the channels must still match). */
  anySize?: boolean;
  featureDim: number;
  /** Freshly initialised weights of g (no head), deterministic from rng. */
  init(rng: SeededRng): Record<string, HostTensor>;
  /** g(x): [N, featureDim]. */
  features(p: Params, x: tf.Tensor4D, bn: BatchNormMode): tf.Tensor2D;
  /** g in inference mode as a graph of layers, for bound propagation (IBP, CROWN). */
  graph?(p: Params): LayerGraph;
}
