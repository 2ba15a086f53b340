import { Command } from 'commander';
import { releaseBackend, selectBackend } from '@rtlab/backends';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArtifactCache } from '../../cache/artifact-cache';
import { writeAtomically } from '../../files/write-atomically';
import { buildReport } from '../../report/build-report';
import { comparisonPage, comparisonText, compareRuns } from '../../report/compare-runs';
import { listRunFolders, readRunFolder, RunFolder } from '../../report/run-folder';
import { act, ExitHolder } from '../action';
import { EXIT } from '../exit-codes';
import { GlobalOptions, openWorkspace } from '../workspace';
import { LineReporter } from '../../progress/progress-reporter';

interface ReportOptions extends GlobalOptions {
  cacheDir?: string;
  png?: boolean;
  out?: string;
}

const CACHE_OPTION = [
  '--cache-dir <dir>',
  'cache folder (default: the one the run used, else from rtlab.config.json, else .rtlab/cache)',
] as const;

function workspaceOf(cmd: Command) {
  const opts = cmd.optsWithGlobals<ReportOptions>();
  const ws = openWorkspace(opts);
  /** --cache-dir, else the cache the run recorded (where it still exists), else the workspace's. */
  const cacheOf = (run: RunFolder) =>
    new ArtifactCache(
      opts.cacheDir
        ? path.resolve(opts.cacheDir)
        : run.header.cacheDir && fs.existsSync(run.header.cacheDir)
          ? run.header.cacheDir
          : ws.config.cacheDir,
    );
  return { opts, ws, cacheOf };
}

/** `rtlab report RUN_DIR`, `rtlab runs [PIPELINE]` and `rtlab compare RUN_A RUN_B`: what ran, and how runs differ. */
export function reportCommands(program: Command, exit: ExitHolder): void {
  program
    .command('report')
    .description("(re)build a run's report.html from its record and the cache")
    .argument('<run-dir>', 'a run folder, runs/<pipeline>/<time>')
    .option(...CACHE_OPTION)
    .option('--png', 'also write each plot as PNG (plots/<figure>.png in the run folder)')
    .action(
      act(exit, async (dir: string, _o: unknown, cmd: Command) => {
        const { opts, ws, cacheOf } = workspaceOf(cmd);
        const run = readRunFolder(dir);
        // the report plugin runs as every plugin does, on a backend: cpu, since it draws with Vega, not tensors
        const backend = await selectBackend('cpu');
        const services = { plugins: ws.registry, backend, reporter: new LineReporter() };
        const built = await buildReport(run, cacheOf(run), services, opts.png ?? false).finally(releaseBackend);
        for (const png of built.pngs) process.stderr.write(`wrote ${png}\n`);
        process.stdout.write(`${built.file}\n`);
        return EXIT.ok;
      }),
    );

  program
    .command('runs')
    .description('list runs: time, pipeline, backend, nodes computed/cached, failed nodes, duration')
    .argument('[pipeline]', 'only the runs of this pipeline (its name)')
    .action(
      act(exit, (pipeline: string | undefined, _o: unknown, cmd: Command) => {
        const { runsDir } = openWorkspace(cmd.optsWithGlobals<GlobalOptions>()).config;
        const runs = listRunFolders(runsDir, pipeline, (why) => process.stderr.write(`warning: ${why} (skipped)\n`));
        if (!runs.length) process.stderr.write(`no runs${pipeline ? ` of ${pipeline}` : ''} under ${runsDir}\n`);
        for (const run of runs) process.stdout.write(`${runLine(run)}\n`);
        return EXIT.ok;
      }),
    );

  program
    .command('compare')
    .description(
      'print the params that differ between two runs and every table cell that moved; also writes it as an HTML page',
    )
    .argument('<run-a>', 'a run folder')
    .argument('<run-b>', 'another run folder')
    .option(...CACHE_OPTION)
    .option('--out <file>', "the HTML page (default: compare-<run-a>.html in run-b's folder)")
    .action(
      act(exit, (dirA: string, dirB: string, _o: unknown, cmd: Command) => {
        const { opts, cacheOf } = workspaceOf(cmd);
        const [a, b] = [readRunFolder(dirA), readRunFolder(dirB)];
        const comparison = compareRuns(a, b, cacheOf(a), cacheOf(b));
        process.stdout.write(comparisonText(comparison, a, b));
        const out = path.resolve(opts.out ?? path.join(b.dir, `compare-${path.basename(a.dir)}.html`));
        writeAtomically(out, comparisonPage(comparison, a, b));
        process.stderr.write(`wrote ${out}\n`);
        return EXIT.ok;
      }),
    );
}

/** One run as a line of `rtlab runs`. */
function runLine(run: RunFolder): string {
  const count = (s: string) => run.end?.counts[s] ?? run.nodes.filter((n) => n.status === s).length;
  const failed = run.nodes.filter((n) => n.status === 'failed').map((n) => n.node);
  const duration = run.end
    ? `${(run.end.durationMs / 1000).toFixed(1)}s${run.end.aborted ? ' interrupted' : ''}`
    : 'did not finish';
  return [
    run.header.startedAt,
    run.header.pipeline.padEnd(24),
    run.header.backend.padEnd(6),
    `${count('computed') + count('joined')} computed, ${count('hit')} cached`,
    duration.padStart(9),
    failed.length ? `failed: ${failed.join(', ')}` : '',
    run.dir,
  ]
    .filter(Boolean)
    .join('  ');
}
