import { Command, Option } from 'commander';
import * as path from 'node:path';
import { BACKEND_ORDER, BackendInfo, BackendName } from '@rtlab/sdk';
import { releaseBackend, selectBackend } from '@rtlab/backends';
import { ArtifactCache } from '../../cache/artifact-cache';
import { FileHashes } from '../../cache/file-hashes';
import { nodeKeys } from '../../cache/node-keys';
import { withAncestors } from '../../dag/pipeline-dag';
import { checkRedis, redactPasswords } from '../../execute/queue/redis-connection';
import { parseOverride } from '../../pipeline/param-overrides';
import { BarReporter } from '../../progress/bar-reporter';
import { LineReporter, ProgressReporter } from '../../progress/progress-reporter';
import { runPipeline, RunSummary } from '../../run/run-pipeline';
import { RunRecord } from '../../run/run-record';
import { gitCommit, pipelineLine } from '../../run/run-details';
import { buildReport } from '../../report/build-report';
import { readRunFolder } from '../../report/run-folder';
import { RtlabConfig } from '../../config/rtlab-config';
import { ResolvedPipeline } from '../../validate/resolved-pipeline';
import { PluginRegistry } from '../../plugins/plugin-registry';
import { validatePipelineFile } from '../../validate/validate-pipeline';
import { act, ExitHolder } from '../action';
import { describeFailure } from '../describe-failure';
import { EXIT } from '../exit-codes';
import { printProblems } from '../print-problems';
import { GlobalOptions, openWorkspace } from '../workspace';
import { chooseRunner } from '../run/choose-runner';
import { explainMisses } from '../run/explain-misses';
import { onInterrupt } from '../run/interrupt';
import { printRunSummary } from '../run/print-run-summary';

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
  const reporter: ProgressReporter = process.stderr.isTTY ? new BarReporter() : new LineReporter();
  const cache = new ArtifactCache(opts.cacheDir ? path.resolve(opts.cacheDir) : config.cacheDir, (m) =>
    reporter.info(`warning: ${m}`),
  );
  const choice = chooseRunner(opts, config, backend, registry, pipeline, cache, reporter);
  const started = new Date();
  reporter.info(`rtlab: ${pipeline.name} (${pipeline.nodes.length} nodes) — ${choice.where}`);
  const keys = nodeKeys(pipeline, config, new FileHashes(cache.root));
  if (opts.explain) explainMisses(pipeline, keys, cache, config.runsDir, reporter);
  const record = startRecord(file, pipeline, backend, choice.workers, cache, config, started);
  const interrupt = onInterrupt(reporter);
  let summary: RunSummary;
  try {
    const runner = await choice.open();
    const options = {
      cache,
      concurrency: choice.concurrency,
      force: opts.force,
      signal: interrupt.signal,
      record,
      reporter,
      backend,
      keys,
      runner,
    };
    summary = await runPipeline(pipeline, { ...options, dataRoot: config.dataRoot, modelRoot: config.modelRoot });
  } finally {
    await choice.close();
    interrupt.stop();
    reporter.close();
  }
  const code = printRunSummary(summary, record, Date.now() - started.getTime(), opts.debug ?? false);
  if (!summary.aborted) await writeReport(record, cache, registry, backend, opts);
  return code;
}

/** The run record's first lines: how the run was started, and the pipeline as resolved. */
function startRecord(
  file: string,
  pipeline: ResolvedPipeline,
  backend: BackendInfo,
  workers: number,
  cache: ArtifactCache,
  config: RtlabConfig,
  started: Date,
): RunRecord {
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
  return record;
}

/** The run's report.html: the nodes' results stand whatever happens to it, so a report that fails is a warning. */
async function writeReport(
  record: RunRecord,
  cache: ArtifactCache,
  registry: PluginRegistry,
  backend: BackendInfo,
  opts: RunCommandOptions,
): Promise<void> {
  try {
    const services = { plugins: registry, backend, reporter: new LineReporter() };
    const built = await buildReport(readRunFolder(path.dirname(record.file)), cache, services, opts.png ?? false);
    for (const png of built.pngs) process.stderr.write(`wrote ${png}\n`);
    process.stderr.write(`report: ${built.file}\n`);
  } catch (e) {
    process.stderr.write(
      `warning: no report written: ${describeFailure(e, opts.debug ?? false)} (rtlab report ${path.dirname(record.file)} tries again)\n`,
    );
  }
}
