'use strict';
// Bundles rtlab's JavaScript for the GPU bundle (tools/gpu-bundle.sh): one file, app/rtlab.js, with
// every package it runs, and beside it what cannot be bundled: the wasm binaries, Dawn's addon,
// sharp's and resvg's native packages, and the stubs through which the engine finds its plugins.
// Usage: node tools/gpu-bundle/build.js APP_DIR
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const app = path.resolve(process.argv[2]);
const entry = require('./entry.js');

/** Native packages (and what they require) copied as they are: esbuild cannot bundle a .node file. */
const NATIVE = [
  'sharp',
  '@img/colour',
  'detect-libc',
  '@img/sharp-linux-x64',
  '@img/sharp-libvips-linux-x64',
  '@resvg/resvg-js',
  '@resvg/resvg-js-linux-x64-gnu',
];
/** Left out: not on the GPU check's path, and each says so where it is missing. */
const ABSENT = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'msgpackr-extract'];

function copyPackage(name) {
  const from = path.join(ROOT, 'node_modules', name);
  if (!fs.existsSync(from)) throw new Error(`${name} is not installed here (npm ci first)`);
  fs.cpSync(from, path.join(app, 'node_modules', name), {
    recursive: true,
    dereference: true,
    filter: (f) => !/\/(src|install|\.bin)$/.test(f),
  });
}

async function main() {
  fs.rmSync(app, { recursive: true, force: true });
  fs.mkdirSync(app, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'entry.js')],
    outfile: path.join(app, 'rtlab.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // ES modules first: jsonc-parser's CommonJS build is a UMD wrapper whose requires esbuild cannot follow
    mainFields: ['module', 'main'],
    external: [...NATIVE, ...ABSENT, 'webgpu'],
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    logLevel: 'error',
    absWorkingDir: ROOT,
  });
  fs.writeFileSync(path.join(app, 'node-worker.js'), "'use strict';\nrequire('./rtlab.js').workerThread();\n");
  for (const name of entry.PLUGIN_PACKAGES) {
    const dir = path.join(app, 'node_modules', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, main: 'index.js' }) + '\n');
    fs.writeFileSync(
      path.join(dir, 'index.js'),
      `'use strict';\nmodule.exports = require('../../../rtlab.js').pluginPackage(${JSON.stringify(name)});\n`,
    );
  }
  const wasm = path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of fs.readdirSync(wasm).filter((f) => f.endsWith('.wasm')))
    fs.copyFileSync(path.join(wasm, f), path.join(app, f));
  const webgpu = path.join(app, 'node_modules/webgpu');
  fs.mkdirSync(path.join(webgpu, 'dist/linux-x64'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'node_modules/webgpu/package.json'), path.join(webgpu, 'package.json'));
  fs.copyFileSync(
    path.join(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node'),
    path.join(webgpu, 'dist/linux-x64/dawn.node'),
  );
  NATIVE.forEach(copyPackage);
  fs.mkdirSync(path.join(app, 'pipelines'));
  fs.copyFileSync(
    path.join(ROOT, 'pipelines/dsprites-regression.json'),
    path.join(app, 'pipelines/dsprites-regression.json'),
  );
  fs.mkdirSync(path.join(app, 'tools'));
  for (const f of ['torch-bench.py', 'make-torch-fixtures.py'])
    fs.copyFileSync(path.join(ROOT, 'tools', f), path.join(app, 'tools', f));
}

main().catch((e) => {
  console.error(`gpu-bundle: ${e.message}`);
  process.exitCode = 1;
});
