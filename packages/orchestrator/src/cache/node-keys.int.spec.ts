import * as fs from 'node:fs';
import * as path from 'node:path';
import { Plugin, pluginModule } from '@rtlab/sdk';
import { registryOf } from '../plugins/plugin-container';
import { tempDir } from '../test-support/temp-dir';
import { validatePipelineText } from '../validate/validate-pipeline';
import { nodeKeys } from './node-keys';

const reader: Plugin<{ file: string }> = {
  kind: 'load', name: 'reader', version: '1.0.0', description: 'reads a file',
  params: { type: 'object', additionalProperties: false, properties: { file: { type: 'string', description: 'the file' } } },
  inputs: {}, output: 'Dataset', reads: (p) => [{ root: 'data', path: p.file }],
  run: async () => ({ type: 'Dataset', meta: {}, tensors: {} }),
};
const user: Plugin = { ...reader, kind: 'encode', name: 'user', params: { type: 'object' }, inputs: { data: { type: 'Dataset', description: 'data' } }, output: 'Features', reads: undefined };

const registry = registryOf([pluginModule([reader, user])]);
const pipeline = validatePipelineText('p.json', JSON.stringify({
  name: 'p', seed: 0,
  nodes: { a: { kind: 'load', plugin: 'reader', params: { file: 'x/y.bin' } }, b: { kind: 'encode', plugin: 'user', inputs: { data: 'a' } } },
}), registry).pipeline!;

describe('nodeKeys with files on disk', () => {
  const dataRoot = tempDir();
  const roots = { dataRoot, modelRoot: dataRoot };
  const keys = () => Object.fromEntries([...nodeKeys(pipeline, roots)].map(([id, k]) => [id, k.key]));

  it('a file that appears, is replaced or is touched changes the reader\'s key and its descendants\'; an unchanged one does not', () => {
    const missing = keys();
    fs.mkdirSync(path.join(dataRoot, 'x'));
    fs.writeFileSync(path.join(dataRoot, 'x/y.bin'), 'one');
    const present = keys();
    expect(present.a).not.toBe(missing.a);
    expect(present.b).not.toBe(missing.b);
    expect(keys()).toEqual(present);
    fs.writeFileSync(path.join(dataRoot, 'x/y.bin'), 'two!');
    const replaced = keys();
    expect(replaced.a).not.toBe(present.a);
    fs.utimesSync(path.join(dataRoot, 'x/y.bin'), new Date(), new Date(Date.now() + 5000));
    expect(keys().a).not.toBe(replaced.a);
  });

  it('names the fingerprinted path in the canonical description, so --explain can say what changed', () => {
    expect(nodeKeys(pipeline, roots).get('a')!.canonical).toMatch(/"files":\{"data:x\/y\.bin":"[0-9a-f]{16}"\}/);
    expect(nodeKeys(pipeline, roots).get('b')!.canonical).not.toContain('files');
  });
});
