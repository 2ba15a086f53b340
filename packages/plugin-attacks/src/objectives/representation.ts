import { Objective, smoothRowNorm } from './objective';
import * as tf from '@tensorflow/tfjs-core';

/** ||g(x') - g(x)||_2 per sample: the AS score's inner maximum. Needs no labels, nor a head. */
export const representation: Objective = (net, x, batch) => smoothRowNorm(tf.sub(net.features(x), batch.cleanFeatures));
