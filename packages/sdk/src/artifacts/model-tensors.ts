/** Names of the linear head's tensors in a Model artifact: f(x) = W g(x) + b, W of shape [outputs, features]. */
export const HEAD_WEIGHT = 'head.weight';
export const HEAD_BIAS = 'head.bias';
