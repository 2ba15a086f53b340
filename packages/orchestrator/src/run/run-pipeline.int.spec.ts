import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectBackend } from '@rtlab/backends';
import { Artifact, BackendInfo, Plugin, pluginModule } from '@rtlab/sdk';
import { ArtifactCache } from '../cache/artifact-cache';
import { registryOf } from '../plugins/plugin-container';
import { loadPluginModule } from '../plugins/load-plugin-modules';
import { LineReporter } from '../progress/progress-reporter';
import { tempDir, filesUnder } from '../test-support/temp-dir';
import { TOY_PLUGINS } from '../test-support/toy-registry';
import { validatePipelineText } from '../validate/validate-pipeline';
import { PipelineRun, runPipeline, RunSummary } from './run-pipeline';
import { nodeKeys } from '../cache/node-keys';
import { FileHashes } from '../cache/file-hashes';
import { lastValueFrom, toArray } from 'rxjs';

const backend: BackendInfo = { name: 'cpu', tfBackend: 'cpu', threads: 1, skipped: [] };
const dir = tempDir();
const log = path.join(dir, 'invocations.log');
process.env.RTLAB_TOY_LOG = log;

/** A plugin that allocates tensors and disposes them, and one that leaks, to check the leak guard. */
const tensorPlugin = (leak: boolean): Plugin => ({
  kind: 'score',
  name: leak ? 'leaky' : 'tidy',
  version: '1.0.0',
  description: 'tf work',
  params: { type: 'object', additionalProperties: false, properties: {} },
  inputs: { x: { type: 'Scores', description: 'in' } },
  output: 'Scores',
  async run(inputs) {
    const x = inputs.x as Artifact;
    const out = tf.tidy(() => tf.sum(tf.square(tf.tensor1d(x.tensors.values.data))).dataSync());
    if (leak) tf.scalar(1);
    return {
      type: 'Scores',
      meta: { rows: [] },
      tensors: { values: { dtype: 'float32', shape: [1], data: Float32Array.from(out) } },
    };
  },
});
/** A plugin whose output holds a non-finite value, as a diverged training would. */
const divergedPlugin = (value: number): Plugin => ({
  kind: 'score',
  name: `diverged-${value}`,
  version: '1.0.0',
  description: 'returns a non-finite weight',
  params: { type: 'object', additionalProperties: false, properties: {} },
  inputs: { x: { type: 'Scores', description: 'in' } },
  output: 'Scores',
  run: async () => ({
    type: 'Scores',
    meta: { rows: [] },
    tensors: { values: { dtype: 'float32', shape: [3], data: Float32Array.of(1, value, 2) } },
  }),
});
const registry = registryOf([
  loadPluginModule(TOY_PLUGINS),
  pluginModule([tensorPlugin(false), tensorPlugin(true), divergedPlugin(NaN), divergedPlugin(Infinity)]),
]);

function pipelineOf(nodes: object, extra: object = {}) {
  const r = validatePipelineText('t.json', JSON.stringify({ name: 't', seed: 3, nodes, ...extra }), registry);
  if (!r.pipeline) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.pipeline;
}

const chain = (start = 1, factor = 2) => ({
  numbers: { kind: 'load', plugin: 'range', params: { count: 4, start } },
  scaled: { kind: 'score', plugin: 'scale', inputs: { x: 'numbers' }, params: { factor } },
  other: { kind: 'score', plugin: 'scale', inputs: { x: 'numbers' }, params: { factor: 10 } },
  total: { kind: 'score', plugin: 'sum', inputs: { parts: ['scaled', 'other'] } },
  table: { kind: 'table', plugin: 'toy-table', inputs: { rows: 'total' } },
});

function invocations(): string[] {
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  fs.rmSync(log, { force: true });
  return lines.sort();
}

describe('runPipeline', () => {
  const cacheDir = path.join(dir, 'cache');
  const messages: string[] = [];
  const run = (
    p: ReturnType<typeof pipelineOf>,
    extra: Partial<Parameters<typeof runPipeline>[1]> = {},
  ): Promise<RunSummary> =>
    runPipeline(p, {
      cache: new ArtifactCache(cacheDir, (m) => messages.push(m)),
      concurrency: 2,
      backend,
      reporter: new LineReporter((l) => messages.push(l)),
      dataRoot: dir,
      modelRoot: dir,
      ...extra,
    });

  beforeAll(async () => {
    await selectBackend('cpu');
  });
  beforeEach(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    invocations();
  });

  it('computes every node once, then reruns with zero plugin invocations', async () => {
    const first = await run(pipelineOf(chain()));
    expect(first.results.map((r) => r.status)).toEqual(Array(5).fill('computed'));
    expect(invocations()).toEqual(['numbers', 'other', 'scaled', 'table', 'total']);
    expect((first.outputs.get('table')!.meta as { values: number[] }).values).toEqual([20, 100]);

    const second = await run(pipelineOf(chain()));
    expect(second.results.map((r) => r.status)).toEqual(Array(5).fill('hit'));
    expect(invocations()).toEqual([]);
    expect(second.outputs.get('table')!.meta).toEqual(first.outputs.get('table')!.meta);
  });

  it('recomputes exactly the changed node and its descendants', async () => {
    await run(pipelineOf(chain()));
    invocations();
    const changed = await run(pipelineOf(chain(1, 3)));
    expect(invocations()).toEqual(['scaled', 'table', 'total']);
    expect(Object.fromEntries(changed.results.map((r) => [r.id, r.status]))).toEqual({
      numbers: 'hit',
      other: 'hit',
      scaled: 'computed',
      total: 'computed',
      table: 'computed',
    });
  });

  it('shares entries between pipelines with a common prefix', async () => {
    await run(pipelineOf(chain()));
    invocations();
    const other = pipelineOf(
      {
        numbers: chain().numbers,
        cubed: { kind: 'score', plugin: 'scale', inputs: { x: 'numbers' }, params: { factor: 3 } },
      },
      { name: 'other' },
    );
    const r = await run(other);
    expect(r.results.map((x) => [x.id, x.status])).toEqual([
      ['numbers', 'hit'],
      ['cubed', 'computed'],
    ]);
    expect(invocations()).toEqual(['cubed']);
  });

  it('recomputes a forced node; unchanged descendants stay cached', async () => {
    await run(pipelineOf(chain()));
    invocations();
    await run(pipelineOf(chain()), { force: ['scaled'] });
    expect(invocations()).toEqual(['scaled']);
  });

  it('skips the descendants of a failed node, finishes and caches its siblings', async () => {
    const nodes = {
      ...chain(),
      broken: { kind: 'score', plugin: 'fail', inputs: { x: 'numbers' } },
      after: { kind: 'score', plugin: 'scale', inputs: { x: 'broken' } },
    };
    const r = await run(pipelineOf(nodes));
    const status = Object.fromEntries(r.results.map((x) => [x.id, x.status]));
    expect(status).toMatchObject({ broken: 'failed', after: 'skipped', table: 'computed', other: 'computed' });
    expect(r.failed.map((f) => [f.id, (f.error as Error).message])).toEqual([
      ['broken', 'score/fail threw Error: loss became NaN at step 3'],
    ]);
    invocations();
    const again = await run(pipelineOf(nodes));
    expect(invocations()).toEqual(['broken']);
    expect(again.results.find((x) => x.id === 'table')!.status).toBe('hit');
  });

  it.each(['NaN', 'Infinity'])(
    'fails a node whose output holds %s: nothing cached, descendants skipped',
    async (value) => {
      const r = await run(
        pipelineOf({
          numbers: chain().numbers,
          bad: { kind: 'score', plugin: `diverged-${value}`, inputs: { x: 'numbers' } },
          after: { kind: 'score', plugin: 'scale', inputs: { x: 'bad' } },
        }),
      );
      expect(r.results.map((x) => x.status)).toEqual(['computed', 'failed', 'skipped']);
      expect((r.failed[0].error as Error).message).toMatch(
        new RegExp(`score/diverged-${value} returned tensor "values" with ${value} at element 1 \\(of 3\\)`),
      );
      expect(filesUnder(cacheDir).filter((f) => f.endsWith('entry.json'))).toHaveLength(1);
    },
  );

  it('stops on abort, leaving no partial entry', async () => {
    const controller = new AbortController();
    const p = pipelineOf({
      slow: { kind: 'load', plugin: 'range', params: { delayMs: 5000 } },
      next: { kind: 'score', plugin: 'scale', inputs: { x: 'slow' } },
    });
    setTimeout(() => controller.abort(), 50);
    const r = await run(p, { signal: controller.signal });
    expect(r.aborted).toBe(true);
    expect(r.results.map((x) => x.status)).toEqual(['failed', 'skipped']);
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it('computes an input again when its entry vanishes or is damaged during the run', async () => {
    await run(pipelineOf(chain()));
    invocations();
    const p = pipelineOf(chain());
    const cache = new ArtifactCache(cacheDir, (m) => messages.push(m));
    const keys = nodeKeys(p, { dataRoot: dir, modelRoot: dir }, new FileHashes(cacheDir));
    await cache.remove(keys.get('total')!.key);
    const pipelineRun = new PipelineRun(p, {
      cache,
      concurrency: 2,
      backend,
      reporter: new LineReporter((l) => messages.push(l)),
      dataRoot: dir,
      modelRoot: dir,
    });
    await cache.remove(keys.get('numbers')!.key);
    fs.writeFileSync(path.join(cache.entryDir(keys.get('scaled')!.key), 'tensors.safetensors'), 'damaged');
    const outcomes = await lastValueFrom(pipelineRun.outcomes$().pipe(toArray()));
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('done'));
    expect(invocations()).toEqual(['numbers', 'scaled', 'total']);
    expect(messages).toContainEqual(
      expect.stringMatching(/input "numbers" is no longer in the cache; computing it again/),
    );
    const total = await cache.get(keys.get('total')!.key);
    expect(Array.from(total!.tensors.values.data)).toEqual([2 * (1 + 2 + 3 + 4), 10 * (1 + 2 + 3 + 4)]);
  });

  it('runs once: a second subscription is an error, not a replay on spent state', async () => {
    const pipelineRun = new PipelineRun(pipelineOf(chain()), {
      cache: new ArtifactCache(cacheDir),
      concurrency: 2,
      backend,
      reporter: new LineReporter(() => undefined),
      dataRoot: dir,
      modelRoot: dir,
    });
    await lastValueFrom(pipelineRun.outcomes$().pipe(toArray()));
    await expect(lastValueFrom(pipelineRun.outcomes$())).rejects.toThrow(/a PipelineRun runs once/);
  });

  it('aborts the running plugin when its observer unsubscribes, leaving no entry', async () => {
    const seen: AbortSignal[] = [];
    const waiting: Plugin = {
      kind: 'load',
      name: 'waits',
      version: '1.0.0',
      description: 'waits for its signal',
      params: { type: 'object', additionalProperties: false, properties: {} },
      inputs: {},
      output: 'Scores',
      run: (_i, _p, ctx) =>
        new Promise((_resolve, reject) => {
          seen.push(ctx.signal);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
        }),
    };
    const r = validatePipelineText(
      'w.json',
      JSON.stringify({ name: 'w', seed: 0, nodes: { w: { kind: 'load', plugin: 'waits' } } }),
      registryOf([pluginModule([waiting])]),
    );
    const pipelineRun = new PipelineRun(r.pipeline!, {
      cache: new ArtifactCache(cacheDir, (m) => messages.push(m)),
      concurrency: 1,
      backend,
      reporter: new LineReporter(() => undefined),
      dataRoot: dir,
      modelRoot: dir,
    });
    const subscription = pipelineRun.outcomes$().subscribe();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.map((s) => s.aborted)).toEqual([false]);
    subscription.unsubscribe();
    expect(seen[0].aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it('returns the tensor count to its start after a node and reports a plugin that leaks', async () => {
    const before = tf.memory().numTensors;
    const tidy = await run(
      pipelineOf({ numbers: chain().numbers, sq: { kind: 'score', plugin: 'tidy', inputs: { x: 'numbers' } } }),
    );
    expect(tidy.results.map((r) => r.status)).toEqual(['computed', 'computed']);
    expect(Array.from(tidy.outputs.get('sq')!.tensors.values.data)).toEqual([1 + 4 + 9 + 16]);
    expect(tf.memory().numTensors).toBe(before);
    expect(messages.filter((m) => m.includes('leaked'))).toEqual([]);
    await run(
      pipelineOf({ numbers: chain().numbers, sq: { kind: 'score', plugin: 'leaky', inputs: { x: 'numbers' } } }),
    );
    expect(messages.filter((m) => m.includes('leaked'))).toEqual([
      expect.stringContaining('sq (score/leaky) leaked 1 tensors'),
    ]);
    tf.disposeVariables();
  });
});
