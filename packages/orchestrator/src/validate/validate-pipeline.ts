import Ajv from 'ajv';
import * as fs from 'node:fs';
import { expandMatrix, ExpansionProblem } from '../pipeline/expand-matrix';
import { JsonSource } from '../pipeline/json-source';
import { applyOverrides, ParamOverride } from '../pipeline/param-overrides';
import { PipelineFile } from '../pipeline/pipeline-file';
import { PIPELINE_STRUCTURE_SCHEMA } from '../pipeline/pipeline-structure.schema';
import { Plugin } from '../plugins/plugin';
import { describeAjvError, PluginRegistry } from '../plugins/plugin-registry';
import { checkInputs, checkParams, resolvePlugin } from './check-node';
import { findCycles } from './find-cycles';
import { Problem } from './problem';
import { parentsOf, ResolvedNode, ResolvedPipeline } from './resolved-pipeline';

const structure = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(PIPELINE_STRUCTURE_SCHEMA);

export interface ValidationResult {
  pipeline?: ResolvedPipeline;
  problems: Problem[];
}

/** Reads and validates a pipeline file; a missing file is a problem, not an exception. */
export function validatePipelineFile(file: string, registry: PluginRegistry, overrides: ParamOverride[] = []): ValidationResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { problems: [{ file, pointer: '', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] };
  }
  return validatePipelineText(file, text, registry, overrides);
}

/**
 * Every problem of a pipeline at once: syntax, structure, matrix keys, kinds and plugins, params,
 * ports and artifact types, and cycles. Returns the resolved pipeline only when there is no problem.
 * Overrides (`--set`) replace params after the structure check, so pointers still refer to the file.
 */
export function validatePipelineText(file: string, text: string, registry: PluginRegistry, overrides: ParamOverride[] = []): ValidationResult {
  const { source, problems: syntax } = JsonSource.parse(file, text);
  if (!source) return { problems: syntax };
  if (!structure(source.value)) {
    return { problems: (structure.errors ?? []).map((e) => { const d = describeAjvError(e); return source.problem(d.path, d.message); }) };
  }
  const file_ = applyOverrides(source.value as PipelineFile, overrides);
  const found: ExpansionProblem[] = [];
  const report = (p: ExpansionProblem) => found.push(p);
  const { nodes, problems: expansion } = expandMatrix(file_);
  expansion.forEach(report);
  const plugins = new Map<string, Plugin | undefined>(nodes.map((n) => [n.id, resolvePlugin(n, registry, report)]));
  const resolved: ResolvedNode[] = [];
  for (const n of nodes) {
    const plugin = plugins.get(n.id);
    if (!plugin) continue;
    const params = checkParams(n, plugin, registry, report);
    checkInputs(n, plugin, plugins, report);
    resolved.push({ ...n, plugin, params });
  }
  const graph = new Map(nodes.map((n) => [n.id, parentsOf(n).filter((p) => plugins.has(p))]));
  for (const cycle of findCycles(graph)) {
    const template = nodes.find((n) => n.id === cycle[0])!.template;
    report({ path: ['nodes', template, 'inputs'], message: `cycle: ${cycle.join(' -> ')}` });
  }
  const problems = found.map((p) => source.problem(p.path, p.message));
  if (problems.length) return { problems };
  return { pipeline: { file, name: file_.name, seed: file_.seed, nodes: topologicalOrder(resolved) }, problems: [] };
}

function topologicalOrder(nodes: ResolvedNode[]): ResolvedNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Set<string>();
  const out: ResolvedNode[] = [];
  const visit = (n: ResolvedNode) => {
    if (done.has(n.id)) return;
    done.add(n.id);
    parentsOf(n).forEach((p) => visit(byId.get(p)!));
    out.push(n);
  };
  nodes.forEach(visit);
  return out;
}
