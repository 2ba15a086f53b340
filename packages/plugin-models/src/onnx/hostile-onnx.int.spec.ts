import { selectBackend } from '@rtlab/backends';
import { standaloneContext } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { onnxPlugin, OnnxParams } from '../plugins/onnx-plugin';
import { floatTensor, node, onnxBytes, writeOnnx } from '../test-support/onnx-writer';
import { tinyClassifier } from '../test-support/tiny-onnx';

// Files that lie: each gets one clear line naming the file and what is wrong, before anything is allocated.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-hostile-onnx-'));
const models = path.join(root, 'models');
fs.mkdirSync(path.join(models, 'net'), { recursive: true });
const load = (file: string, p: Partial<OnnxParams> = {}) =>
  onnxPlugin.run({}, { file, externalData: [], ...p }, standaloneContext({ modelRoot: models }));

async function refusal(file: string, p: Partial<OnnxParams> = {}): Promise<string> {
  try {
    await load(file, p);
  } catch (e) {
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`${file} was accepted`);
}

/** The tiny classifier with its conv weight kept in an external-data file. */
function externalWeights(location: string, extra: { offset?: number; length?: number } = {}) {
  return tinyClassifier('N', (t) => {
    if (t.name !== 'w') return t;
    const entries = [{ key: 'location', value: location }];
    if (extra.offset !== undefined) entries.push({ key: 'offset', value: String(extra.offset) });
    if (extra.length !== undefined) entries.push({ key: 'length', value: String(extra.length) });
    return { ...t, rawData: undefined, externalData: entries, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL };
  });
}

describe('model/onnx refuses hostile files', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    const w = tinyClassifier().initializers!.find((t) => t.name === 'w')!.rawData!;
    fs.writeFileSync(path.join(models, 'net', 'w.bin'), w);
    fs.writeFileSync(path.join(root, 'outside.bin'), w);
    fs.symlinkSync(path.join(root, 'outside.bin'), path.join(models, 'net', 'link.bin'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('external data that leaves the model folder: a relative path up, an absolute path, a symbolic link out', async () => {
    for (const location of ['../../outside.bin', path.join(root, 'outside.bin'), 'link.bin']) {
      writeOnnx(path.join(models, 'net', 'escape.onnx'), externalWeights(location));
      expect(await refusal('net/escape.onnx', { externalData: ['net/link.bin'] })).toMatch(
        /escape\.onnx: tensor w keeps its data at ".*", outside the model's folder; refused/,
      );
    }
  });

  it('external data the node did not declare (its bytes would not be in the cache key)', async () => {
    writeOnnx(path.join(models, 'net', 'undeclared.onnx'), externalWeights('w.bin'));
    expect(await refusal('net/undeclared.onnx')).toMatch(
      /tensor w reads w\.bin: list it in the node's "externalData" param \("net\/w\.bin"\)/,
    );
  });

  it('external data whose offset or length lies about the file', async () => {
    writeOnnx(path.join(models, 'net', 'beyond.onnx'), externalWeights('w.bin', { offset: 100, length: 216 }));
    expect(await refusal('net/beyond.onnx', { externalData: ['net/w.bin'] })).toMatch(
      /tensor w claims bytes 100\.\.316 of w\.bin, which has 216/,
    );
    writeOnnx(path.join(models, 'net', 'short.onnx'), externalWeights('w.bin', { length: 100 }));
    expect(await refusal('net/short.onnx', { externalData: ['net/w.bin'] })).toMatch(
      /tensor w needs 216 bytes for its shape, its external data says 100/,
    );
  });

  it('raw data shorter than the shape needs, and a shape too large to allocate', async () => {
    writeOnnx(
      path.join(models, 'short-raw.onnx'),
      tinyClassifier('N', (t) => (t.name === 'w' ? floatTensor('w', [3, 2, 3, 3], [1, 2, 3]) : t)),
    );
    expect(await refusal('short-raw.onnx')).toMatch(
      /short-raw\.onnx: tensor w of shape \[3,2,3,3\] needs 216 bytes of F32, the file holds 12/,
    );
    writeOnnx(
      path.join(models, 'huge.onnx'),
      tinyClassifier('N', (t) => (t.name === 'w' ? { ...t, dims: [1e6, 1e6, 3, 3] } : t)),
    );
    expect(await refusal('huge.onnx')).toMatch(
      /tensor w claims shape \[1000000,1000000,3,3\], above 1073741824 elements/,
    );
  });

  it('protobuf that is cut short, whose lengths exceed the file, or that nests without end', async () => {
    const bytes = onnxBytes(tinyClassifier());
    fs.writeFileSync(path.join(models, 'cut.onnx'), bytes.subarray(0, bytes.length - 40));
    expect(await refusal('cut.onnx')).toMatch(/cut\.onnx: not a valid ONNX file \(/);
    // ModelProto.graph (field 7, length-delimited) claiming 2^31 bytes in a 10-byte file.
    fs.writeFileSync(path.join(models, 'length.onnx'), Buffer.from([0x3a, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3, 4]));
    expect(await refusal('length.onnx')).toMatch(/length\.onnx: not a valid ONNX file \(/);
    // graph -> node -> attribute -> graph -> ... 200 000 levels deep (about 1.5 MB).
    const levels = 200_000;
    const tags = [0x3a, 0x0a, 0x2a, 0x32]; // ModelProto.graph, GraphProto.node, NodeProto.attribute, AttributeProto.g
    const varint = (n: number) => {
      const out: number[] = [];
      do {
        out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
        n = Math.floor(n / 128);
      } while (n > 0);
      return out;
    };
    const lengths: number[] = [0];
    for (let i = 1; i < levels; i++) lengths.push(1 + varint(lengths[i - 1]).length + lengths[i - 1]);
    const prefix: number[] = [];
    for (let i = levels - 1; i >= 0; i--) {
      const tag = i === levels - 1 ? tags[0] : tags[1 + ((levels - 2 - i) % 3)];
      prefix.push(tag, ...varint(i === 0 ? 0 : lengths[i - 1]));
    }
    fs.writeFileSync(path.join(models, 'deep.onnx'), Buffer.from(prefix));
    expect(await refusal('deep.onnx')).toMatch(
      /deep\.onnx: (not a valid ONNX file \(messages nested too deeply\)|graphs nested more than 64 deep)/,
    );
  });

  it('an op rtlab does not run, named with its node and the opset', async () => {
    const g = tinyClassifier();
    g.nodes[1] = node('Selu', ['conv'], ['relu'], {}, 'act1');
    writeOnnx(path.join(models, 'selu.onnx'), g);
    expect(await refusal('selu.onnx')).toMatch(
      /selu\.onnx: node "act1" uses Selu \(opset 17\), which rtlab does not run; supported: Abs, Add, /,
    );
  });

  it('a graph with a cycle, a value nothing computes, and an opset outside 13 to 17', async () => {
    const cyclic = tinyClassifier();
    cyclic.nodes[0] = node('Conv', ['flat', 'w', 'b'], ['conv'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv1');
    writeOnnx(path.join(models, 'cycle.onnx'), cyclic);
    expect(await refusal('cycle.onnx')).toMatch(/cycle\.onnx: the graph has a cycle through node "conv1"/);
    const dangling = tinyClassifier();
    dangling.nodes[1] = node('Relu', ['nowhere'], ['relu'], {}, 'act1');
    writeOnnx(path.join(models, 'dangling.onnx'), dangling);
    expect(await refusal('dangling.onnx')).toMatch(
      /node "act1" reads nowhere, which no node, initializer or input provides/,
    );
    writeOnnx(path.join(models, 'old.onnx'), { ...tinyClassifier(), opset: 11 });
    expect(await refusal('old.onnx')).toMatch(/old\.onnx: opset 11; rtlab reads opsets 13 to 17/);
  });

  it('weights of a type rtlab does not read, and weights that are not finite', async () => {
    writeOnnx(
      path.join(models, 'strings.onnx'),
      tinyClassifier('N', (t) => (t.name === 'b' ? { name: 'b', dims: [3], dataType: 8, stringData: [] } : t)),
    );
    expect(await refusal('strings.onnx')).toMatch(/tensor b has element type string, which rtlab does not read/);
    writeOnnx(
      path.join(models, 'nan.onnx'),
      tinyClassifier('N', (t) => (t.name === 'b' ? floatTensor('b', [3], [0, NaN, 0]) : t)),
    );
    expect(await refusal('nan.onnx')).toMatch(/initializer b holds NaN at element 1/);
  });

  it('nodes that would crash or fill memory: no input, training-mode batch norm, a huge Expand', async () => {
    const noInput = tinyClassifier();
    noInput.nodes[1] = node('Relu', [], ['relu'], {}, 'act1');
    writeOnnx(path.join(models, 'no-input.onnx'), noInput);
    expect(await refusal('no-input.onnx', { inputShape: [4, 4, 2] })).toMatch(
      /ONNX node "act1" \(Relu\): has no first input/,
    );
    const training = tinyClassifier();
    training.initializers!.push(...['s', 'o', 'm', 'v'].map((n) => floatTensor(n, [3], [1, 1, 1])));
    training.nodes[1] = node(
      'BatchNormalization',
      ['conv', 's', 'o', 'm', 'v'],
      ['relu', 'mean', 'var'],
      { training_mode: 1 },
      'bn1',
    );
    writeOnnx(path.join(models, 'training.onnx'), training);
    expect(await refusal('training.onnx', { inputShape: [4, 4, 2] })).toMatch(
      /ONNX node "bn1" \(BatchNormalization\): exported in training mode/,
    );
    const huge = tinyClassifier();
    huge.initializers!.push({ name: 'big', dims: [3], dataType: 7, int64Data: [100000, 100000, 3] });
    huge.nodes.splice(4, 0, node('Expand', ['flat', 'big'], ['wide'], {}, 'expand1'));
    writeOnnx(path.join(models, 'huge-expand.onnx'), huge);
    expect(await refusal('huge-expand.onnx', { inputShape: [4, 4, 2], features: 'wide' })).toMatch(
      /ONNX node "expand1" \(Expand\): would build a value of shape \[100000,100000,3\], above 268435456 elements/,
    );
  });

  it('tensor values in typed fields that would take gigabytes to decode', async () => {
    // ModelProto.graph { initializer { float_data: 64 MiB + 4, packed } }, written by hand (no encoder allocates it).
    const varint = (n: number) => {
      const out: number[] = [];
      do {
        out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
        n = Math.floor(n / 128);
      } while (n > 0);
      return Buffer.from(out);
    };
    const field = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), varint(body.length), body]);
    const tensor = field(0x22, Buffer.alloc(64 * 2 ** 20 + 4));
    fs.writeFileSync(path.join(models, 'typed.onnx'), field(0x3a, field(0x2a, tensor)));
    expect(await refusal('typed.onnx')).toMatch(
      /typed\.onnx: 67108868 bytes of tensor values in typed fields \(float_data, int64_data, \.\.\.\), above 67108864/,
    );
  });

  it('a missing file names the model root', async () => {
    expect(await refusal('nope.onnx')).toMatch(
      /ONNX file .*nope\.onnx not found \(paths are relative to the model root/,
    );
  });
});
