import * as fs from 'node:fs';
import * as path from 'node:path';
import { Plugin, pluginModule } from '@rtlab/sdk';
import { registryOf } from '../plugins/plugin-container';
import { tempDir } from '../test-support/temp-dir';
import { validatePipelineText } from '../validate/validate-pipeline';
import { FileHashes } from './file-hashes';
import { nodeKeys } from './node-keys';

const reader: Plugin<{ file: string }> = {
  kind: 'load',
  name: 'reader',
  version: '1.0.0',
  description: 'reads a file',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { file: { type: 'string', description: 'the file' } },
  },
  inputs: {},
  output: 'Dataset',
  reads: (p) => [{ root: 'data', path: p.file }],
  run: async () => ({ type: 'Dataset', meta: {}, tensors: {} }),
};
const user: Plugin = {
  ...reader,
  kind: 'encode',
  name: 'user',
  params: { type: 'object' },
  inputs: { data: { type: 'Dataset', description: 'data' } },
  output: 'Features',
  reads: undefined,
};

const registry = registryOf([pluginModule([reader, user])]);
const pipeline = validatePipelineText(
  'p.json',
  JSON.stringify({
    name: 'p',
    seed: 0,
    nodes: {
      a: { kind: 'load', plugin: 'reader', params: { file: 'x/y.bin' } },
      b: { kind: 'encode', plugin: 'user', inputs: { data: 'a' } },
    },
  }),
  registry,
).pipeline!;

describe('nodeKeys with files on disk', () => {
  const dataRoot = tempDir();
  const roots = { dataRoot, modelRoot: dataRoot };
  const hashes = new FileHashes(path.join(dataRoot, '.cache'));
  const keys = () => Object.fromEntries([...nodeKeys(pipeline, roots, hashes)].map(([id, k]) => [id, k.key]));
  const file = path.join(dataRoot, 'x/y.bin');

  it("a file that appears or gets other bytes changes the reader's key and its descendants'; an unchanged one does not", () => {
    const missing = keys();
    fs.mkdirSync(path.join(dataRoot, 'x'));
    fs.writeFileSync(file, 'one');
    const present = keys();
    expect(present.a).not.toBe(missing.a);
    expect(present.b).not.toBe(missing.b);
    expect(keys()).toEqual(present);
    fs.writeFileSync(file, 'two!');
    expect(keys().a).not.toBe(present.a);
  });

  it('sees other bytes of the same size written with the old modification time restored', () => {
    fs.writeFileSync(file, 'aaaa');
    const stamp = fs.statSync(file);
    const before = keys().a;
    fs.writeFileSync(file, 'bbbb');
    fs.utimesSync(file, stamp.atime, stamp.mtime);
    expect(fs.statSync(file).size).toBe(stamp.size);
    expect(keys().a).not.toBe(before);
  });

  it('depends on contents only: a touched file, or an identical copy with another time, keeps the key (and so the seed)', () => {
    fs.writeFileSync(file, 'same bytes');
    const before = keys().a;
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(keys().a).toBe(before);
    fs.rmSync(file);
    fs.writeFileSync(file, 'same bytes');
    fs.utimesSync(file, new Date(0), new Date(0));
    expect(keys().a).toBe(before);
  });

  it('reads a file again only when its inode, size or times changed', () => {
    fs.writeFileSync(file, 'counted');
    keys();
    const read = hashes.hashed;
    keys();
    keys();
    expect(hashes.hashed).toBe(read);
    fs.appendFileSync(file, '!');
    keys();
    expect(hashes.hashed).toBe(read + 1);
  });

  it('names the fingerprinted path in the canonical description, so --explain can say what changed', () => {
    expect(nodeKeys(pipeline, roots, hashes).get('a')!.canonical).toMatch(
      /"files":\{"data:x\/y\.bin":"[0-9a-f]{16}"\}/,
    );
    expect(nodeKeys(pipeline, roots, hashes).get('b')!.canonical).not.toContain('files');
  });
});

describe('nodeKeys of a plugin that names its inputs', () => {
  const source: Plugin = { ...user, kind: 'load', name: 'source', inputs: {}, output: 'Dataset' };
  const namer: Plugin = { ...user, kind: 'report', name: 'namer', output: 'Report', namesInputs: true };
  const plain: Plugin = { ...user, kind: 'report', name: 'plain', output: 'Report' };
  const reg = registryOf([pluginModule([source, namer, plain])]);
  const hashes = new FileHashes(tempDir());
  const keysOf = (input: string) => {
    const p = validatePipelineText(
      'p.json',
      JSON.stringify({
        name: 'p',
        seed: 0,
        nodes: {
          [input]: { kind: 'load', plugin: 'source' },
          n: { kind: 'report', plugin: 'namer', inputs: { data: input } },
          m: { kind: 'report', plugin: 'plain', inputs: { data: input } },
        },
      }),
      reg,
    ).pipeline!;
    return Object.fromEntries(
      [...nodeKeys(p, { dataRoot: '.', modelRoot: '.' }, hashes)].map(([id, k]) => [id, k.key]),
    );
  };

  it('renaming an input changes its key (its output shows the name), not the key of a plugin that does not', () => {
    const [a, b] = [keysOf('first'), keysOf('second')];
    expect(b.second).toBe(a.first);
    expect(b.m).toBe(a.m);
    expect(b.n).not.toBe(a.n);
  });
});
