import * as fs from 'node:fs';
import * as path from 'node:path';
import { Artifact, BackendInfo, Plugin, RtlabError } from '@rtlab/sdk';
import { checkArtifact } from '../artifacts/check-artifact';
import { ArtifactCache } from '../cache/artifact-cache';
import { cacheKey } from '../cache/cache-key';
import { PluginJob } from '../execute/plugin-job';
import { PluginFinder, runPluginJob } from '../execute/run-plugin-job';
import { ProgressReporter } from '../progress/progress-reporter';
import { writeAtomically } from '../files/write-atomically';
import { reportPage } from './report-page';
import { finished, REPORT_FILE, RunFolder } from './run-folder';

/** The plugin a run without a report node is reported with. */
export const DEFAULT_REPORT = { kind: 'report', name: 'html' };
const PNG_TENSOR = 'png.';
/** Node kinds a report must show: without their artifacts no report is written (models only add training curves). */
const REPORTED_KINDS = new Set(['table', 'score']);

/** What running the default report plugin takes: it runs as every plugin does (runPluginJob), on a backend. */
export interface ReportServices {
  plugins: PluginFinder;
  backend: BackendInfo;
  reporter: ProgressReporter;
}

export interface BuiltReport {
  file: string;
  figures: number;
  pngs: string[];
}

/**
 * Writes `report.html` into a run's folder from its record and the cache: the run's own report nodes
 * (kind "report"), or, without one, the default report plugin over every table, score and trained model
 * the run produced. With `png`, each plot also goes to `plots/<figure>.png`.
 */
export async function buildReport(
  run: RunFolder,
  cache: ArtifactCache,
  services: ReportServices,
  png: boolean,
): Promise<BuiltReport> {
  const reports = await reportArtifacts(run, cache, services);
  const body = reports
    .map((r) => r.artifact.meta.html)
    .filter((h): h is string => typeof h === 'string')
    .join('\n');
  const file = path.join(run.dir, REPORT_FILE);
  writeAtomically(file, reportPage(run, body));
  const pngs = png ? writePngs(run.dir, reports) : [];
  return {
    file,
    figures: reports.reduce(
      (n, r) => n + (Array.isArray(r.artifact.meta.figures) ? r.artifact.meta.figures.length : 0),
      0,
    ),
    pngs,
  };
}

async function reportArtifacts(
  run: RunFolder,
  cache: ArtifactCache,
  services: ReportServices,
): Promise<{ node: string; artifact: Artifact }[]> {
  const own = run.nodes.filter((n) => n.plugin.startsWith('report/') && finished(n));
  if (own.length) {
    const artifacts = await Promise.all(own.map((n) => cache.get(n.key)));
    const lost = own.filter((_, i) => !artifacts[i]).map((n) => n.node);
    if (lost.length)
      throw new RtlabError(
        'cache',
        `report node(s) ${lost.join(', ')} of this run are no longer in the cache at ${cache.root}; rerun the pipeline`,
      );
    return own.map((n, i) => ({ node: n.node, artifact: artifacts[i]! }));
  }
  const plugin = services.plugins.find(DEFAULT_REPORT.kind, DEFAULT_REPORT.name);
  if (!plugin) return [];
  return [{ node: 'report', artifact: await defaultReport(run, cache, plugin, services) }];
}

/** The default report plugin over the run's tables, scores and models (models by metadata only: their weights are not needed). */
async function defaultReport(
  run: RunFolder,
  cache: ArtifactCache,
  plugin: Plugin,
  services: ReportServices,
): Promise<Artifact> {
  const inputs: Record<string, Artifact[]> = { tables: [], scores: [], models: [] };
  const inputNodes: Record<string, string[]> = { tables: [], scores: [], models: [] };
  const lost: string[] = [];
  for (const n of run.nodes.filter(finished)) {
    const meta = cache.metadata(n.key);
    const port =
      meta?.type === 'Table'
        ? 'tables'
        : meta?.type === 'Scores'
          ? 'scores'
          : meta?.type === 'Model' && meta.meta.training
            ? 'models'
            : undefined;
    const artifact = port === 'scores' ? await cache.get(n.key) : port && { ...meta!, tensors: {} };
    if (artifact) {
      inputs[port!].push(artifact);
      inputNodes[port!].push(n.node);
    } else if (REPORTED_KINDS.has(n.plugin.split('/')[0])) {
      lost.push(n.node);
    }
  }
  if (lost.length) {
    throw new RtlabError(
      'cache',
      `${lost.length} table and score node(s) of this run are not in the cache at ${cache.root} (${lost.slice(0, 3).join(', ')}${lost.length > 3 ? ', ...' : ''}), so the report would leave them out: pass the cache the run used with --cache-dir, or rerun the pipeline`,
    );
  }
  const defaults = Object.fromEntries(
    Object.entries((plugin.params.properties ?? {}) as Record<string, { default?: unknown }>)
      .filter(([, s]) => 'default' in s)
      .map(([k, s]) => [k, s.default]),
  );
  const job: PluginJob = {
    kind: plugin.kind,
    plugin: plugin.name,
    params: defaults as PluginJob['params'],
    inputs,
    inputNodes,
    nodeId: 'report',
    key: cacheKey({
      kind: plugin.kind,
      plugin: plugin.name,
      version: plugin.version,
      params: defaults,
      seed: 0,
      inputs: {},
    }).key,
    dataRoot: '.',
    modelRoot: '.',
  };
  const { artifact, leaked } = await runPluginJob(
    job,
    { find: () => plugin },
    services.backend,
    services.reporter,
    new AbortController().signal,
  );
  if (leaked > 0)
    services.reporter.info(`warning: the report (${plugin.kind}/${plugin.name}) leaked ${leaked} tensors`);
  checkArtifact(artifact, plugin);
  return artifact;
}

/** Each report's PNGs as `plots/<figure>.png`; with several report nodes, `plots/<node>/<figure>.png`. */
function writePngs(dir: string, reports: { node: string; artifact: Artifact }[]): string[] {
  const files: string[] = [];
  for (const { node, artifact } of reports) {
    const out = reports.length > 1 ? path.join(dir, 'plots', path.basename(node)) : path.join(dir, 'plots');
    for (const [name, t] of Object.entries(artifact.tensors).filter(
      ([n, t]) => n.startsWith(PNG_TENSOR) && t.dtype === 'uint8',
    )) {
      const file = path.join(out, `${path.basename(name.slice(PNG_TENSOR.length))}.png`);
      fs.mkdirSync(out, { recursive: true });
      writeAtomically(file, t.data as Uint8Array);
      files.push(file);
    }
  }
  return files;
}
