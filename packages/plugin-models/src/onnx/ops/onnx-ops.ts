import { ELEMENTWISE_OPS } from './elementwise-ops';
import { NN_OPS } from './nn-ops';
import { Op } from './op';
import { SHAPE_OPS } from './shape-ops';

/** Every ONNX operator rtlab runs, by op type (default domain, opsets 13 to 17). */
export const ONNX_OPS: Record<string, Op> = { ...ELEMENTWISE_OPS, ...SHAPE_OPS, ...NN_OPS };
