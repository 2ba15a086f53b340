import { RtlabError } from '@rtlab/sdk';
import * as tf from '@tensorflow/tfjs-core';
import { Architecture } from '../architectures/architecture';
import { BatchNormMode, EVAL } from '../network/batch-norm-mode';
import { onnxLayerGraph } from './onnx-layer-graph';
import { Params } from '../network/layers';
import { OnnxProgram } from './onnx-program';
import { runProgram } from './run-program';

/** Inputs normalised inside the network, (x - mean) / std per channel, when the model has them. */
function normalized(p: Params, x: tf.Tensor4D, program: OnnxProgram): tf.Tensor4D {
  if (!program.normalize) return x;
  return tf.div(tf.sub(x, p('normalize.mean')), p('normalize.std')) as tf.Tensor4D;
}

/** A batch run in chunks of the exported batch size (the last chunk padded with zeros, then cut). */
function inChunks(x: tf.Tensor4D, size: number, run: (chunk: tf.Tensor4D) => tf.Tensor2D): tf.Tensor2D {
  const n = x.shape[0];
  if (n === size) return run(x);
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < n; start += size) {
    const count = Math.min(size, n - start);
    parts.push(
      tf.tidy(() => {
        let chunk = tf.slice(x, [start, 0, 0, 0], [count, -1, -1, -1]);
        if (count < size)
          chunk = tf.concat([chunk, tf.zeros([size - count, x.shape[1], x.shape[2], x.shape[3]])]) as tf.Tensor4D;
        const out = run(chunk);
        return count < size ? (tf.slice(out, [0, 0], [count, -1]) as tf.Tensor2D) : out;
      }),
    );
  }
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** The Architecture of an imported ONNX graph, from a Model artifact's metadata. */
export function onnxArchitecture(meta: {
  architecture: string;
  inputShape: [number, number, number];
  featureDim: number;
  onnx: OnnxProgram;
}): Architecture {
  const program = meta.onnx;
  return {
    name: meta.architecture,
    inputShape: meta.inputShape,
    featureDim: meta.featureDim,
    init() {
      throw new RtlabError('input', `${meta.architecture} is an imported ONNX network: it has its own weights`);
    },
    features(p: Params, x: tf.Tensor4D, bn: BatchNormMode): tf.Tensor2D {
      const run = (chunk: tf.Tensor4D) => tf.tidy(() => runProgram(program, normalized(p, chunk, program), p, bn));
      return program.batch === null ? run(x) : inChunks(x, program.batch, run);
    },
    graph(p: Params) {
      const shapes = new Map<string, number[]>();
      tf.tidy(() => {
        const x = tf.zeros([program.batch ?? 1, ...meta.inputShape]) as tf.Tensor4D;
        runProgram(program, normalized(p, x, program), p, EVAL, (name, shape) => shapes.set(name, shape));
      });
      return onnxLayerGraph(program, p, shapes);
    },
  };
}
