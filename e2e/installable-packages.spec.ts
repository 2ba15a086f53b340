import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './rtlab-cli';

// rtlab as a plugin author outside this repository gets it: every package packed as npm would publish it,
// installed into an empty project elsewhere, a plugin written in TypeScript against @rtlab/sdk's types,
// compiled with the project's own tsc, and run beside built-in plugins: first as a file listed in
// rtlab.config.json, then as its own package. README.md's "Adding your own" is these steps.
/** Every package of the workspace that npm would publish (the benchmark is private). */
const PUBLISHED = fs
  .readdirSync(path.join(ROOT, 'packages'))
  .filter((p) => !JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', p, 'package.json'), 'utf8')).private);

const PLUGIN = `import { Artifact, datasetView, imageBatch, Plugin, scoreMeta, scoresArtifact } from '@rtlab/sdk';

/** score/mean-pixel: the mean pixel value of a dataset's images, in [0, 1]. */
export const meanPixel: Plugin<{ batchSize: number }> = {
  kind: 'score',
  name: 'mean-pixel',
  version: '1.0.0',
  description: "The mean pixel value of a dataset's images, in [0, 1].",
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { batchSize: { type: 'integer', minimum: 1, default: 64, description: 'Images read at once.' } },
  },
  inputs: { data: { type: 'Dataset', description: 'the images' } },
  output: 'Scores',
  async run(inputs, p) {
    const data = datasetView(inputs.data as Artifact);
    let [sum, values] = [0, 0];
    for (let start = 0; start < data.count; start += p.batchSize) {
      const batch = imageBatch(data, start, Math.min(data.count, start + p.batchSize));
      for (const v of batch) sum += v;
      values += batch.length;
    }
    const labels = { split: 'test', of: 'images' };
    return scoresArtifact([{ ...labels, meanPixel: sum / values, n: data.count }], {}, scoreMeta(labels, ['n']));
  },
};

export const plugins = [meanPixel];
`;

const PIPELINE = {
  name: 'my-first',
  seed: 0,
  nodes: {
    data: { kind: 'load', plugin: 'dsprites', params: { split: 'test', count: 32 } },
    mean: { kind: 'score', plugin: 'mean-pixel', inputs: { data: 'data' } },
    table: {
      kind: 'table',
      plugin: 'pivot',
      inputs: { scores: ['mean'] },
      params: { rows: ['split'], column: 'of', values: [{ name: 'mean pixel', field: 'meanPixel' }] },
    },
  },
};

/** The mean of every pixel of the cached dataset, read another way: through the engine's cache and the SDK, in the project. */
const INDEPENDENT_MEAN = `
const { ArtifactCache } = require('@rtlab/orchestrator');
const { datasetView, imageBatch } = require('@rtlab/sdk');
const [cache, key] = process.argv.slice(1);
new ArtifactCache(cache).get(key).then((a) => {
  const pixels = imageBatch(datasetView(a), 0, datasetView(a).count);
  process.stdout.write(String(pixels.reduce((s, v) => s + v, 0) / pixels.length));
});
`;

describe('rtlab installed from its packages into a project of its own, with a TypeScript plugin', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-user-'));
  const tarballs = path.join(project, '.tarballs');
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
  const sh = (command: string, args: string[], o: SpawnSyncOptions = {}) => {
    const r = spawnSync(command, args, {
      cwd: project,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, FORCE_COLOR: '0', npm_config_fund: 'false', npm_config_audit: 'false' },
      ...o,
    });
    return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  let firstTable = '';
  const meanOf = (run: { stdout: string }) => Number(/\| test \| mean pixel \| ([\d.]+) \|/.exec(run.stdout)?.[1]);

  it('npm packs every package, installs them with typescript into an empty project outside the repository, and the plugin compiles there', () => {
    expect(path.relative(ROOT, project).startsWith('..')).toBe(true);
    fs.mkdirSync(tarballs);
    for (const p of PUBLISHED)
      expect(
        sh('npm', ['pack', '--workspace', `packages/${p}`, '--pack-destination', tarballs, '--silent'], { cwd: ROOT })
          .code,
      ).toBe(0);
    expect(sh('npm', ['init', '-y']).code).toBe(0);
    const install = sh('npm', [
      'install',
      ...fs.readdirSync(tarballs).map((t) => path.join(tarballs, t)),
      'typescript@5',
    ]);
    expect([install.code, install.stderr]).toEqual([0, expect.not.stringMatching(/ERR!/)]);
    fs.writeFileSync(path.join(project, 'mean-pixel.ts'), PLUGIN);
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs', strict: true, skipLibCheck: true } }),
    );
    const tsc = sh('npx', ['tsc', '-p', 'tsconfig.json']);
    expect([tsc.code, tsc.stdout]).toEqual([0, '']);
    expect(fs.existsSync(path.join(project, 'mean-pixel.js'))).toBe(true);
  }, 300_000);

  it('npx rtlab runs a pipeline with the plugin, listed as a file in rtlab.config.json, beside built-in plugins, and its number is right', () => {
    fs.writeFileSync(path.join(project, 'pipeline.json'), JSON.stringify(PIPELINE, null, 2));
    fs.writeFileSync(path.join(project, 'rtlab.config.json'), JSON.stringify({ plugins: ['./mean-pixel.js'] }));
    expect(sh('npx', ['rtlab', 'plugins']).stdout).toContain('score/mean-pixel@1.0.0  (data: Dataset) -> Scores');
    const run = sh('npx', ['rtlab', 'run', 'pipeline.json']);
    expect([run.code, run.stderr]).toEqual([0, expect.stringMatching(/^rtlab: my-first \(3 nodes\)/)]);
    const key = JSON.parse(
      fs
        .readFileSync(/record: (.*record\.jsonl)/.exec(run.stderr)![1], 'utf8')
        .split('\n')
        .find((l) => l.includes('"node":"data"'))!,
    ).key;
    const independent = Number(
      sh(process.execPath, ['-e', INDEPENDENT_MEAN, path.join(project, '.rtlab/cache'), key]).stdout,
    );
    expect(independent).toBeGreaterThan(0);
    expect(meanOf(run)).toBeCloseTo(independent, 4);
    firstTable = run.stdout;
  }, 120_000);

  it('the same plugin as its own package (rtlab-plugin-*, @rtlab/sdk a peer dependency) is listed by name and gives the same table', () => {
    const pkg = path.join(project, 'rtlab-plugin-mean-pixel');
    fs.mkdirSync(pkg);
    fs.copyFileSync(path.join(project, 'mean-pixel.js'), path.join(pkg, 'index.js'));
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: 'rtlab-plugin-mean-pixel',
        version: '1.0.0',
        main: 'index.js',
        peerDependencies: { '@rtlab/sdk': '0.1.0' },
      }),
    );
    expect(sh('npm', ['install', './rtlab-plugin-mean-pixel']).code).toBe(0);
    fs.writeFileSync(
      path.join(project, 'rtlab.config.json'),
      JSON.stringify({ plugins: ['rtlab-plugin-mean-pixel'], cacheDir: 'cache-package' }),
    );
    const run = sh('npx', ['rtlab', 'run', 'pipeline.json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/✓ mean computed/);
    expect(meanOf(run)).toBeGreaterThan(0);
    expect(run.stdout).toBe(firstTable);
  }, 120_000);

  it('rtlab new plugin writes a package that passes its own test, installs, and runs its pipeline as written', () => {
    const made = sh('npx', ['rtlab', 'new', 'plugin', 'score', 'brightness', '--dir', 'plugins/brightness']);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('wrote ./plugins/brightness/src/brightness.test.ts');
    expect(made.stdout).toContain('(after npm install ./plugins/brightness)');
    const test = sh('npm', ['test'], { cwd: path.join(project, 'plugins/brightness') });
    expect([test.code, test.stdout]).toEqual([
      0,
      expect.stringMatching(/^ok 1 - brightness: of the pixels 0, 51, 102 and 255/m),
    ]);
    expect(test.stdout).toMatch(/^# pass 1$/m);
    expect(sh('npm', ['install', './plugins/brightness']).code).toBe(0);
    fs.writeFileSync(path.join(project, 'rtlab.config.json'), JSON.stringify({ plugins: ['rtlab-plugin-brightness'] }));
    const run = sh('npx', ['rtlab', 'run', 'plugins/brightness/pipeline.json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| images \| brightness \| 0\.0\d+ \|/); // dSprites pixels are 0 or 1: the lit share is the mean pixel
    expect(Number(/\| images \| brightness \| ([\d.]+) \|/.exec(run.stdout)![1])).toBeCloseTo(
      meanOf({ stdout: firstTable }),
      4,
    );
  }, 180_000);
});
