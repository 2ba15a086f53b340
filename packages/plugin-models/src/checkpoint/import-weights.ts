import { HostTensor, RtlabError } from '@rtlab/sdk';

/** Keys that carry no weights (batch-norm step counters). */
const IGNORED = /(^|\.)num_batches_tracked$/;

/** Removes the wrappers training code adds: DataParallel's "module." and RobustBench's "model." (beside "normalize."). */
export function stripPrefixes(tensors: Record<string, HostTensor>): Record<string, HostTensor> {
  let out = Object.fromEntries(
    Object.entries(tensors)
      .filter(([k]) => !IGNORED.test(k))
      .map(([k, t]) => [k.replace(/^module\./, ''), t]),
  );
  if (Object.keys(out).some((k) => k.startsWith('model.')))
    out = Object.fromEntries(Object.entries(out).map(([k, t]) => [k.replace(/^model\./, ''), t]));
  return out;
}

/** PyTorch layouts to rtlab's: conv [out, in, kh, kw] -> [kh, kw, in, out]; the classifier fc -> head; [1, C, 1, 1] buffers -> [C]. */
function toRtlab(name: string, t: HostTensor): [string, HostTensor] {
  const target = name.replace(/^fc\./, 'head.');
  if (t.dtype !== 'float32') throw new RtlabError('input', `weight ${name} is ${t.dtype}, expected floating point`);
  if (name.startsWith('normalize.')) return [target, { ...t, shape: [t.data.length] }];
  if (t.shape.length !== 4) return [target, t];
  const [o, i, kh, kw] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) {
          out[((y * kw + x) * i + b) * o + a] = t.data[((a * i + b) * kh + y) * kw + x];
        }
  return [target, { dtype: 'float32', shape: [kh, kw, i, o], data: out }];
}

const list = (names: string[]) =>
  names.length > 8 ? `${names.slice(0, 8).join(', ')}, ... (${names.length} in all)` : names.join(', ');

/**
 * Maps a PyTorch state dict onto an architecture's weights, strictly: every expected weight must be
 * there with its shape; anything else is an error, except a classifier head (fc) and input
 * normalisation, which are optional.
 */
export function importWeights(
  checkpoint: Record<string, HostTensor>,
  expected: Record<string, number[]>,
  optional: string[],
  file: string,
): Record<string, HostTensor> {
  const mapped = Object.fromEntries(Object.entries(stripPrefixes(checkpoint)).map(([k, t]) => toRtlab(k, t)));
  const has = (o: object, k: string) => Object.hasOwn(o, k);
  const missing = Object.keys(expected).filter((k) => !has(mapped, k));
  const unexpected = Object.keys(mapped).filter((k) => !has(expected, k) && !optional.some((o) => k.startsWith(o)));
  const misshaped = Object.keys(expected)
    .filter((k) => has(mapped, k) && mapped[k].shape.join() !== expected[k].join())
    .map((k) => `${k}: expected [${expected[k]}], got [${mapped[k].shape}]`);
  const problems = [
    missing.length ? `missing: ${list(missing)}` : '',
    unexpected.length ? `unexpected: ${list(unexpected)}` : '',
    misshaped.length ? `wrong shape: ${list(misshaped)}` : '',
  ].filter(Boolean);
  if (problems.length)
    throw new RtlabError(
      'input',
      `${file} does not fit this architecture (names after removing "module."/"model." prefixes, PyTorch layouts converted): ${problems.join('; ')}`,
    );
  return mapped;
}
