import { Command, Option } from 'commander';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKEND_ORDER, BackendName, RtlabError } from '@rtlab/sdk';
import { describeBackend, releaseBackend, selectBackend } from '@rtlab/backends';
import { ArtifactCache } from '../../cache/artifact-cache';
import { Executor } from '../../execute/executor';
import { InProcessExecutor } from '../../execute/in-process-executor';
import { startQueueWorker, WORKER_NAME } from '../../execute/queue/queue-worker';
import { checkRedis, redactPassword } from '../../execute/queue/redis-connection';
import { WorkerPool } from '../../execute/worker-pool/worker-pool';
import { LineReporter, ProgressReporter } from '../../progress/progress-reporter';
import { act, ExitHolder } from '../action';
import { EXIT } from '../exit-codes';
import { positiveInteger } from '../positive-integer';
import { GlobalOptions, openWorkspace } from '../workspace';

interface WorkerCommandOptions extends GlobalOptions {
  queue: string;
  cacheDir?: string;
  backend?: BackendName | 'auto';
  threads?: string;
  lockSeconds: string;
  allowDir: string[];
}

export function workerCommand(program: Command, exit: ExitHolder): void {
  program
    .command('worker')
    .description('compute the nodes that coordinators (rtlab run --queue) push to a Redis queue, until stopped')
    .requiredOption('--queue <url>', 'the Redis the coordinators use (redis://HOST:PORT)')
    .option(
      '--cache-dir <dir>',
      'the cache folder the coordinators use, on a shared mount (default from rtlab.config.json, else .rtlab/cache)',
    )
    .addOption(new Option('--backend <name>', 'tensor backend').choices(['auto', ...BACKEND_ORDER]))
    .option(
      '--threads <n>',
      'jobs run at once, each on its own worker thread (default: one per core on wasm/cpu, else 1)',
    )
    .option(
      '--lock-seconds <s>',
      'a job whose worker is silent this long (killed, network lost) goes back to the queue',
      '60',
    )
    .option(
      '--allow-dir <dir>',
      'a folder besides the data and model roots that jobs may read (repeatable)',
      (d: string, all: string[]) => [...all, path.resolve(d)],
      [],
    )
    .action(act(exit, (_o: unknown, cmd: Command) => workerAction(cmd.optsWithGlobals<WorkerCommandOptions>())));
}

async function workerAction(opts: WorkerCommandOptions): Promise<number> {
  const { config, registry } = openWorkspace(opts);
  const lockSeconds = positiveInteger('--lock-seconds', opts.lockSeconds, 1);
  await checkRedis(opts.queue); // before the backends load: a wrong URL fails at once
  const backend = await selectBackend((opts.backend ?? config.backend ?? 'auto') as BackendName | 'auto', {
    debug: opts.debug,
  });
  const threaded = backend.name === 'wasm' || backend.name === 'cpu';
  const threads =
    opts.threads === undefined
      ? threaded
        ? os.availableParallelism()
        : 1
      : positiveInteger('--threads', opts.threads, 1);
  if (!threaded && threads > 1)
    throw new RtlabError(
      'usage',
      `--threads ${threads}: ${backend.name} has one device per process; start one worker per device instead`,
    );
  const reporter = new LineReporter();
  const cache = new ArtifactCache(opts.cacheDir ? path.resolve(opts.cacheDir) : config.cacheDir, (m) =>
    reporter.info(`warning: ${m}`),
  );
  // wasm and cpu run on worker threads, so that this thread stays free to renew the jobs' locks
  const executorOn = (r: ProgressReporter): Executor =>
    threaded
      ? new WorkerPool({ backend: backend.name, pluginModules: config.plugins }, threads, r)
      : new InProcessExecutor(registry, backend, r);
  let executor: Executor | undefined;
  try {
    let unfit: (why: string) => void = () => undefined;
    const unfitness = new Promise<string>((resolve) => (unfit = resolve));
    const { worker, executor: started } = await startQueueWorker({
      url: opts.queue,
      cache,
      executor: executorOn,
      plugins: registry,
      unfit,
      backend: backend.name,
      lockMs: lockSeconds * 1000,
      reporter,
      roots: { dataRoot: config.dataRoot, modelRoot: config.modelRoot, allowed: opts.allowDir },
    });
    executor = started;
    reporter.info(
      `rtlab worker ${WORKER_NAME}: ${threads} job(s) at once from ${redactPassword(opts.queue)} — ${describeBackend(backend)}, cache ${cache.root}, data ${config.dataRoot}, models ${config.modelRoot}${opts.allowDir.length ? `, also ${opts.allowDir.join(', ')}` : ''}`,
    );
    const stop = await Promise.race([stopSignal(), unfitness.then((why) => ({ why }))]);
    if (typeof stop === 'object') {
      await worker.close(true);
      throw new RtlabError(
        'config',
        `worker ${WORKER_NAME} stops: ${stop.why}; its job went back to the queue for another worker`,
      );
    }
    reporter.info(`${stop}: stopping; jobs in progress go back to the queue within about twice --lock-seconds`);
    await worker.close(true);
    return stop === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
  } finally {
    await executor?.close();
    await releaseBackend().catch((e) =>
      process.stderr.write(`warning: could not release the tensor backend: ${(e as Error).message}\n`),
    );
  }
}

function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (s: NodeJS.Signals) => resolve(s);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
