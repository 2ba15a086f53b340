/** The weight W of a Model's linear head f(x) = W g(x) + b, [outputs, features]. */
export const HEAD_WEIGHT = 'head.weight';
/** The bias b of the linear head, [outputs]. */
export const HEAD_BIAS = 'head.bias';
