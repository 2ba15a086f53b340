import * as fs from 'node:fs';
import * as path from 'node:path';
import { RtlabError } from '@rtlab/sdk';
import { NODE_ID } from '../pipeline/expand-matrix';
import { TEMPLATES } from './plugin-templates';

/** Names the plugin's identifier cannot take. */
const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield'.split(
    ' ',
  ),
);

/** The SDK version a new plugin package asks for as its peer: the one this rtlab runs. */
const SDK_VERSION: string = require('@rtlab/sdk/package.json').version;

/**
 * Writes a plugin package, as Nx's generators do: TypeScript source, a test on `standaloneContext`
 * (node's own test runner), build and test scripts, and a pipeline that uses the plugin beside built-in
 * ones. It builds, passes its test and runs as written. Returns the files written.
 */
export function writePluginPackage(kind: string, name: string, dir: string): string[] {
  const template = TEMPLATES[kind];
  if (!template)
    throw new RtlabError(
      'usage',
      `no plugin template for kind "${kind}" (there is one for: ${Object.keys(TEMPLATES).join(', ')})`,
    );
  if (!NODE_ID.test(name) || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || RESERVED.has(name))
    throw new RtlabError(
      'usage',
      `plugin name "${name}": use lowercase words of letters and digits joined by "-", first a letter, and no JavaScript keyword`,
    );
  if (fs.existsSync(dir) && fs.readdirSync(dir).length)
    throw new RtlabError('usage', `${dir} exists and is not empty: choose another --dir`);
  const id = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const files: Record<string, string> = {
    'package.json': json({
      name: `rtlab-plugin-${name}`,
      version: '0.1.0',
      description: `rtlab plugin ${kind}/${name}`,
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      files: ['dist'],
      scripts: { build: 'tsc -p tsconfig.json', test: `npm run build && node --test dist/${name}.test.js` },
      peerDependencies: { '@rtlab/sdk': SDK_VERSION },
      devDependencies: { typescript: '^5.9.3', '@types/node': '^20.19.0' },
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'es2022',
        module: 'commonjs',
        strict: true,
        declaration: true,
        outDir: 'dist',
        rootDir: 'src',
        skipLibCheck: true,
      },
      include: ['src'],
    }),
    'src/index.ts': `// What rtlab loads: list this package in rtlab.config.json "plugins".\nimport { ${id} } from './${name}';\n\nexport const plugins = [${id}];\n`,
    [`src/${name}.ts`]: template.source(name, id),
    [`src/${name}.test.ts`]: template.test(name, id),
    'pipeline.json': json(template.pipeline(name)),
    '.gitignore': 'dist/\nnode_modules/\n.rtlab/\nruns/\n',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return Object.keys(files).map((f) => path.join(dir, f));
}

const json = (value: object) => JSON.stringify(value, null, 2) + '\n';
