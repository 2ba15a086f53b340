import { HostTensor, RtlabError } from '@rtlab/sdk';
import { KnownValues } from './fold-constants';
import { intAttr } from './ops/op';
import { ProgramNode } from './onnx-program';

/** ONNX's [out, in/groups, kh, kw] as tfjs's [kh, kw, in/groups, out]; for depthwise groups [kh, kw, in, multiplier]. */
function toFilter(w: HostTensor, depthwise: boolean, groups: number): HostTensor {
  const [cout, cin, kh, kw] = w.shape;
  const data = new Float32Array(w.data.length);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          data[((y * kw + x) * cin + i) * cout + o] = w.data[((o * cin + i) * kh + y) * kw + x];
  const shape = depthwise ? [kh, kw, groups, cout / groups] : [kh, kw, cin, cout];
  return { dtype: 'float32', shape, data };
}

/** The value name of a Conv node's filter in tfjs's layout, added to `known` (once per weight). */
export function convFilter(node: ProgramNode, known: KnownValues, where: string): string {
  const name = node.inputs[1];
  const w = known.params.get(name);
  if (!w || w.shape.length !== 4)
    throw new RtlabError(
      'input',
      `${where}: node "${node.name}" (Conv) needs a 4-d weight initializer (2-d convolution), got ${w ? `[${w.shape}]` : 'a computed value'}`,
    );
  const groups = intAttr(node, 'group', 1);
  const depthwise = groups > 1 && w.shape[1] === 1;
  const filter = `${name}::filter${depthwise ? '-depthwise' : ''}`;
  if (!known.params.has(filter)) known.params.set(filter, toFilter(w, depthwise, groups));
  return filter;
}
