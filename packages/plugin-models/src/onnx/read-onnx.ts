import { RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import { onnx } from 'onnx-proto';
import { typedFieldBytes } from './typed-field-bytes';

/** The opsets of the default domain rtlab reads (what torch.onnx.export writes from PyTorch 1.13 to 2.x). */
export const OPSETS = { min: 13, max: 17 };

/** Protobuf cannot encode a message above 2 GiB; a larger file is not ONNX (weights go to external data). */
const MAX_FILE_BYTES = 2 ** 31;

/** Tensor values in typed fields (not raw_data) above this would take gigabytes once decoded; exporters use raw_data. */
const MAX_TYPED_FIELD_BYTES = 64 * 2 ** 20;

/** Nested message depth a real ONNX file never approaches (graphs inside attributes inside nodes). */
const MAX_NESTING = 64;

function decode(buf: Buffer, file: string): onnx.ModelProto {
  let typed: number;
  try {
    typed = typedFieldBytes(buf);
  } catch (e) {
    throw new RtlabError('input', `${file}: not a valid ONNX file (${(e as Error).message})`, { cause: e });
  }
  if (typed > MAX_TYPED_FIELD_BYTES)
    throw new RtlabError(
      'input',
      `${file}: ${typed} bytes of tensor values in typed fields (float_data, int64_data, ...), above ${MAX_TYPED_FIELD_BYTES}: rtlab reads large tensors from raw_data or external data, as torch.onnx.export writes them`,
    );
  try {
    return onnx.ModelProto.decode(buf);
  } catch (e) {
    const why =
      e instanceof RangeError && /call stack/.test(e.message)
        ? 'messages nested too deeply'
        : (e as Error).message.replace(/\s+/g, ' ');
    throw new RtlabError('input', `${file}: not a valid ONNX file (${why})`, { cause: e });
  }
}

/** Depth of graphs held in node attributes: control flow (If, Loop) that rtlab does not run anyway. */
function nestingOf(graph: onnx.IGraphProto | null | undefined, depth = 1): number {
  if (!graph || depth > MAX_NESTING) return depth;
  let deepest = depth;
  for (const node of graph.node ?? [])
    for (const a of node.attribute ?? [])
      for (const g of [a.g, ...(a.graphs ?? [])]) if (g) deepest = Math.max(deepest, nestingOf(g, depth + 1));
  return deepest;
}

/** The default-domain opset the model imports; throws unless rtlab reads it. */
function opsetOf(model: onnx.ModelProto, file: string): number {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const version = entry ? Number(entry.version) : NaN;
  if (!(version >= OPSETS.min && version <= OPSETS.max))
    throw new RtlabError(
      'input',
      `${file}: opset ${entry ? version : 'missing'}; rtlab reads opsets ${OPSETS.min} to ${OPSETS.max}: export with torch.onnx.export(..., opset_version=17)`,
    );
  return version;
}

/**
 * An ONNX model file, decoded by onnx-proto (protobuf.js): its graph and default-domain opset. Lengths in
 * the file are checked against its size by the decoder, so a lying length fails instead of allocating.
 */
export function readOnnx(file: string): { model: onnx.ModelProto; graph: onnx.GraphProto; opset: number } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new RtlabError(
      'input',
      `ONNX file ${file} not found (paths are relative to the model root, rtlab.config.json "modelRoot")`,
    );
  }
  if (!stat.isFile()) throw new RtlabError('input', `${file}: not a file`);
  if (stat.size >= MAX_FILE_BYTES)
    throw new RtlabError('input', `${file}: ${stat.size} bytes, above protobuf's 2 GiB: not an ONNX file`);
  const model = decode(fs.readFileSync(file), file);
  if (!model.graph) throw new RtlabError('input', `${file}: an ONNX file without a graph`);
  if (nestingOf(model.graph) > MAX_NESTING)
    throw new RtlabError('input', `${file}: graphs nested more than ${MAX_NESTING} deep`);
  return { model, graph: model.graph as onnx.GraphProto, opset: opsetOf(model, file) };
}
