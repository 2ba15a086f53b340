import { SeededRng } from '@rtlab/sdk';
import { onnx } from 'onnx-proto';
import { floatTensor, node, TestGraph } from './onnx-writer';

const numbers = (n: number, rng: SeededRng) => Array.from({ length: n }, () => rng.normal() * 0.5);

/**
 * A tiny classifier as torch.onnx.export writes one: input [N, 2, 4, 4] -> Conv 3x3 (3 channels, pad 1)
 * -> Relu -> GlobalAveragePool -> Flatten -> Gemm (2 classes). Values: "conv", "relu", "pooled", "flat", "logits".
 */
export function tinyClassifier(
  batch: number | string = 'N',
  weights?: (t: onnx.ITensorProto) => onnx.ITensorProto,
): TestGraph {
  const rng = new SeededRng(4);
  const init = [
    floatTensor('w', [3, 2, 3, 3], numbers(54, rng)),
    floatTensor('b', [3], numbers(3, rng)),
    floatTensor('fc.weight', [2, 3], numbers(6, rng)),
    floatTensor('fc.bias', [2], numbers(2, rng)),
  ];
  return {
    input: { name: 'input', dims: [batch, 2, 4, 4] },
    output: 'logits',
    initializers: weights ? init.map(weights) : init,
    nodes: [
      node('Conv', ['input', 'w', 'b'], ['conv'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('Relu', ['conv'], ['relu']),
      node('GlobalAveragePool', ['relu'], ['pooled']),
      node('Flatten', ['pooled'], ['flat'], { axis: 1 }),
      node('Gemm', ['flat', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }),
    ],
  };
}
