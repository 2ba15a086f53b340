import { Command, Option } from 'commander';
import * as os from 'node:os';
import * as path from 'node:path';
import { Artifact, BACKEND_ORDER, BackendInfo, BackendName, RtlabError } from '@rtlab/sdk';
import { describeBackend, releaseBackend, selectBackend } from '@rtlab/backends';
import { ArtifactCache } from '../../cache/artifact-cache';
import { CacheKey } from '../../cache/cache-key';
import { FileHashes } from '../../cache/file-hashes';
import { nodeKeys } from '../../cache/node-keys';
import { withAncestors } from '../../dag/pipeline-dag';
import { writeAtomically } from '../../files/write-atomically';
import { Executor } from '../../execute/executor';
import { InProcessExecutor } from '../../execute/in-process-executor';
import { WorkerPool } from '../../execute/worker-pool/worker-pool';
import { QueueCoordinator } from '../../execute/queue/queue-coordinator';
import { checkRedis, redactPassword, redactPasswords } from '../../execute/queue/redis-connection';
import { parseOverride } from '../../pipeline/param-overrides';
import { BarReporter } from '../../progress/bar-reporter';
import { LineReporter, ProgressReporter } from '../../progress/progress-reporter';
import { explainMiss, previousKeys } from '../../run/explain-miss';
import { describeError, runPipeline, RunSummary } from '../../run/run-pipeline';
import { RunRecord } from '../../run/run-record';
import { gitCommit, pipelineLine } from '../../run/run-details';
import { buildReport } from '../../report/build-report';
import { readRunFolder } from '../../report/run-folder';
import { RtlabConfig } from '../../plugins/rtlab-config';
import { ResolvedPipeline } from '../../validate/resolved-pipeline';
import { PluginRegistry } from '../../plugins/plugin-registry';
import { validatePipelineFile } from '../../validate/validate-pipeline';
import { act, ExitHolder } from '../action';
import { describeFailure } from '../describe-failure';
import { EXIT } from '../exit-codes';
import { positiveInteger } from '../positive-integer';
import { printProblems } from '../print-problems';
import { GlobalOptions, openWorkspace } from '../workspace';

interface RunCommandOptions extends GlobalOptions {
  only: string[];
  force: string[];
  backend?: BackendName | 'auto';
  concurrency?: string;
  cacheDir?: string;
  explain?: boolean;
  set: string[];
  workers?: string;
  shards?: string;
  partBytes?: string;
  queue?: string;
  png?: boolean;
}

/** Nodes a coordinator keeps on the queue at once by default: the workers, not the coordinator, set the pace. */
const QUEUE_CONCURRENCY = 256;

const collect = (v: string, acc: string[]) => [...acc, v];

export function runCommand(program: Command, exit: ExitHolder): void {
  program
    .command('run')
    .description('run a pipeline; cached nodes are reused, changed ones recomputed')
    .argument('<pipeline>', 'pipeline JSON file')
    .option('--only <node>', 'run only this node and what it depends on (repeatable)', collect, [])
    .option('--force <node>', 'recompute this node even if cached (repeatable)', collect, [])
    .addOption(new Option('--backend <name>', 'tensor backend').choices(['auto', ...BACKEND_ORDER]))
    .option('--concurrency <n>', 'independent nodes run at once')
    .option(
      '--workers <n>',
      'worker threads running plugins, each with its own backend (default: one per core on wasm/cpu, 0 on native backends)',
    )
    .option(
      '--shards <n>',
      'split per-sample nodes (attacks) into up to n shards run at once on the workers (default 1); results are the same bytes',
    )
    .option(
      '--part-bytes <n>',
      'keep datasets larger than this many bytes on disk, in files of at most this size, read batch by batch (default 1 GiB); changes no result',
    )
    .option(
      '--queue <url>',
      'coordinate: push computed nodes (and shards) as jobs to rtlab workers on this Redis (redis://HOST:PORT); the cache folder must be shared with them',
    )
    .option('--cache-dir <dir>', 'cache folder (default from rtlab.config.json, else .rtlab/cache)')
    .option(
      '--set <node.param=value>',
      'override a param for this run, e.g. train.count=200 or "probe-{pre}-{fov}.epochs=20" (repeatable)',
      collect,
      [],
    )
    .option('--explain', 'say why each node that is computed missed the cache')
    .option('--png', 'also write each plot of the report as PNG (plots/<figure>.png in the run folder)')
    .action(
      act(exit, (file: string, _o: unknown, cmd: Command) => runAction(file, cmd.optsWithGlobals<RunCommandOptions>())),
    );
}

async function runAction(file: string, opts: RunCommandOptions): Promise<number> {
  const { config, registry } = openWorkspace(opts);
  const validated = validatePipelineFile(file, registry, opts.set.map(parseOverride));
  if (!validated.pipeline) {
    printProblems(validated.problems);
    return EXIT.invalid;
  }
  const pipeline = opts.only.length ? withAncestors(validated.pipeline, opts.only) : validated.pipeline;
  if (opts.queue) await checkRedis(opts.queue); // before the backends load: a wrong URL fails at once
  const backend = await selectBackend((opts.backend ?? config.backend ?? 'auto') as BackendName | 'auto', {
    debug: opts.debug,
  });
  try {
    return await runOn(backend, file, pipeline, opts, config, registry);
  } finally {
    await releaseBackend().catch((e) =>
      process.stderr.write(`warning: could not release the ${backend.name} backend: ${(e as Error).message}\n`),
    );
  }
}

async function runOn(
  backend: BackendInfo,
  file: string,
  pipeline: ResolvedPipeline,
  opts: RunCommandOptions,
  config: RtlabConfig,
  registry: PluginRegistry,
): Promise<number> {
  const workers = opts.queue
    ? 0
    : positiveInteger('--workers', opts.workers ?? config.workers ?? defaultWorkers(backend), 0);
  if (workers && backend.name === 'webgpu')
    throw new RtlabError(
      'usage',
      `--workers ${workers}: worker threads each start their own backend, and webgpu has one device per process; leave --workers out`,
    );
  const concurrency = positiveInteger(
    '--concurrency',
    opts.concurrency ?? (opts.queue ? QUEUE_CONCURRENCY : Math.max(config.concurrency, workers)),
    1,
  );
  const reporter: ProgressReporter = process.stderr.isTTY ? new BarReporter() : new LineReporter();
  const cache = new ArtifactCache(opts.cacheDir ? path.resolve(opts.cacheDir) : config.cacheDir, (m) =>
    reporter.info(`warning: ${m}`),
  );
  const started = new Date();
  const where = opts.queue
    ? ` — nodes run on the workers of ${redactPassword(opts.queue)}, cache ${cache.root}`
    : ` — ${describeBackend(backend)}${workers ? ` on each of ${workers} worker threads` : ''}`;
  reporter.info(`rtlab: ${pipeline.name} (${pipeline.nodes.length} nodes)${where}`);
  const keys = nodeKeys(pipeline, config, new FileHashes(cache.root));
  if (opts.explain) explain(pipeline, keys, cache, config, reporter);
  const record = new RunRecord(config.runsDir, pipeline.name, started);
  const commit = gitCommit(path.dirname(path.resolve(file)));
  record.append({
    type: 'run',
    pipeline: pipeline.name,
    file: path.resolve(file),
    startedAt: started.toISOString(),
    backend: backend.name,
    ...(backend.device ? { device: backend.device } : {}),
    threads: backend.threads * Math.max(workers, 1),
    argv: process.argv.slice(2).map(redactPasswords),
    ...(commit ? { commit } : {}),
    cacheDir: cache.root,
  });
  record.append(pipelineLine(pipeline));
  const executor: Executor = workers
    ? new WorkerPool({ backend: backend.name, pluginModules: config.plugins }, workers, reporter)
    : new InProcessExecutor(registry, backend, reporter);

  const controller = new AbortController();
  const onSigint = () => {
    reporter.info('interrupted: stopping running nodes (press Ctrl-C again to quit at once)');
    controller.abort(new RtlabError('aborted', 'interrupted'));
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  };
  process.once('SIGINT', onSigint);
  let summary: RunSummary;
  let queue: QueueCoordinator | undefined;
  try {
    if (opts.queue) queue = await QueueCoordinator.connect(opts.queue, reporter);
    summary = await runPipeline(pipeline, {
      cache,
      concurrency,
      force: opts.force,
      signal: controller.signal,
      record,
      reporter,
      backend,
      dataRoot: config.dataRoot,
      modelRoot: config.modelRoot,
      executor,
      keys,
      shards: positiveInteger('--shards', opts.shards ?? 1, 1),
      partBytes: opts.partBytes === undefined ? undefined : positiveInteger('--part-bytes', opts.partBytes, 1),
      queue,
    });
  } finally {
    await executor.close();
    await queue?.close();
    process.removeListener('SIGINT', onSigint);
    reporter.close();
  }
  const code = report(summary, record, Date.now() - started.getTime(), opts.debug ?? false);
  if (!summary.aborted) {
    // the nodes' results stand whatever happens to the report: a report that fails is a warning
    try {
      const built = await buildReport(readRunFolder(path.dirname(record.file)), cache, registry, opts.png ?? false);
      for (const png of built.pngs) process.stderr.write(`wrote ${png}\n`);
      process.stderr.write(`report: ${built.file}\n`);
    } catch (e) {
      process.stderr.write(
        `warning: no report written: ${describeFailure(e, opts.debug ?? false)} (rtlab report ${path.dirname(record.file)} tries again)\n`,
      );
    }
  }
  return code;
}

/** A sink artifact's rendered formats (meta.formats: extension -> text) go next to the run record. */
function writeFormats(id: string, artifact: Artifact, dir: string): string[] {
  const formats = artifact.meta.formats;
  if (!formats || typeof formats !== 'object' || Array.isArray(formats)) return [];
  return Object.entries(formats)
    .filter(([, text]) => typeof text === 'string')
    .map(([ext, text]) => {
      const file = path.join(dir, `${id}.${ext.replace(/[^a-z0-9]/gi, '')}`);
      if (path.dirname(file) !== dir) throw new RtlabError('validation', `node id "${id}" would write outside ${dir}`);
      writeAtomically(file, text as string);
      return file;
    });
}

/** wasm and cpu run one thread each, so a worker per core; tfjs-node(-gpu) threads natively; webgpu has one device. */
function defaultWorkers(backend: BackendInfo): number {
  return backend.name === 'wasm' || backend.name === 'cpu' ? os.availableParallelism() : 0;
}

function explain(
  pipeline: ResolvedPipeline,
  keys: Map<string, CacheKey>,
  cache: ArtifactCache,
  config: RtlabConfig,
  reporter: ProgressReporter,
): void {
  const previous = previousKeys(config.runsDir, pipeline.name);
  for (const [id, k] of keys) {
    if (cache.has(k.key)) {
      reporter.info(`explain ${id}: cached as ${k.key.slice(0, 12)}`);
      continue;
    }
    const prev = previous.get(id);
    const why =
      prev === k.key ? 'its entry is missing (removed or corrupt)' : explainMiss(id, k.canonical, prev, cache);
    reporter.info(`explain ${id}: miss (${k.key.slice(0, 12)}): ${why}`);
  }
}

function report(summary: RunSummary, record: RunRecord, ms: number, debug: boolean): number {
  for (const [id, artifact] of summary.outputs) {
    if (typeof artifact.meta.markdown === 'string') process.stdout.write(`\n${id}\n\n${artifact.meta.markdown}\n`);
    for (const file of writeFormats(id, artifact, path.dirname(record.file))) process.stderr.write(`wrote ${file}\n`);
  }
  const count = (s: string) => summary.results.filter((r) => r.status === s).length;
  record.append({
    type: 'end',
    durationMs: ms,
    aborted: summary.aborted,
    counts: Object.fromEntries(['computed', 'hit', 'joined', 'failed', 'skipped'].map((s) => [s, count(s)])),
  });
  process.stderr.write(
    `\n${summary.results.length} nodes: ${count('computed')} computed, ${count('hit')} cached,${count('joined') ? ` ${count('joined')} computed for another coordinator,` : ''} ${count('failed')} failed, ${count('skipped')} skipped in ${(ms / 1000).toFixed(1)}s; record: ${record.file}\n`,
  );
  if (summary.aborted) {
    process.stderr.write('interrupted: finished nodes are cached; rerun to continue\n');
    return EXIT.interrupted;
  }
  for (const f of summary.failed)
    process.stderr.write(
      `error: node "${f.id}" failed: ${debug ? describeFailure(f.error, true) : describeError(f.error)}\n`,
    );
  return summary.failed.length ? EXIT.nodeFailed : EXIT.ok;
}
