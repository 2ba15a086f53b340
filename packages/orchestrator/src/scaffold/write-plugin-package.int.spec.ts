import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../test-support/temp-dir';
import { writePluginPackage } from './write-plugin-package';

describe('writePluginPackage (rtlab new plugin)', () => {
  const dir = tempDir('rtlab-scaffold-');

  it('writes the package, its source, test and pipeline, with @rtlab/sdk as a peer at this rtlab version', () => {
    const files = writePluginPackage('score', 'brightness', path.join(dir, 'a')).map((f) =>
      path.relative(path.join(dir, 'a'), f),
    );
    expect(files.sort()).toEqual([
      '.gitignore',
      'package.json',
      'pipeline.json',
      'src/brightness.test.ts',
      'src/brightness.ts',
      'src/index.ts',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'a/package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: 'rtlab-plugin-brightness',
      peerDependencies: { '@rtlab/sdk': require('../../../sdk/package.json').version },
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'a/pipeline.json'), 'utf8')).nodes.brightness).toEqual({
      kind: 'score',
      plugin: 'brightness',
      inputs: { data: 'data' },
    });
  });

  it('refuses a kind without a template, a name that is no plain lowercase name, and a folder that holds files', () => {
    expect(() => writePluginPackage('attack', 'x', path.join(dir, 'b'))).toThrow(
      'no plugin template for kind "attack" (there is one for: score)',
    );
    expect(() => writePluginPackage('score', '../Bad', path.join(dir, 'c'))).toThrow(
      /plugin name "\.\.\/Bad": use lowercase words/,
    );
    expect(() => writePluginPackage('score', 'a--b', path.join(dir, 'c'))).toThrow(/plugin name "a--b"/);
    expect(() => writePluginPackage('score', 'delete', path.join(dir, 'c'))).toThrow(/no JavaScript keyword/);
    fs.mkdirSync(path.join(dir, 'd'));
    fs.writeFileSync(path.join(dir, 'd/keep.txt'), 'mine');
    expect(() => writePluginPackage('score', 'x', path.join(dir, 'd'))).toThrow(/exists and is not empty/);
    expect(fs.readdirSync(path.join(dir, 'd'))).toEqual(['keep.txt']);
  });
});
