import Ajv from 'ajv';
import * as fs from 'node:fs';
import { Plugin } from '@rtlab/sdk';
import { expandMatrix, ExpansionProblem } from '../pipeline/expand-matrix';
import { JsonSource } from '../pipeline/json-source';
import { applyOverrides, ParamOverride } from '../pipeline/param-overrides';
import { PipelineFile } from '../pipeline/pipeline-file';
import { topologicalOrder } from '../dag/dag';
import { findCycles } from '../dag/find-cycles';
import { dagOf } from '../dag/pipeline-dag';
import { PIPELINE_STRUCTURE_SCHEMA } from '../pipeline/pipeline-structure.schema';
import { describeAjvErrors, PluginRegistry } from '../plugins/plugin-registry';
import { checkInputs, checkParams, checkProducers, portsAsDeclared, resolvePlugin } from './check-node';
import { Problem } from './problem';
import { ResolvedNode, ResolvedPipeline } from './resolved-pipeline';

const structure = new Ajv({ allErrors: true, verbose: true, strict: false }).compile(PIPELINE_STRUCTURE_SCHEMA);

export interface ValidationResult {
  pipeline?: ResolvedPipeline;
  problems: Problem[];
}

/** Reads and validates a pipeline file; a missing file is a problem, not an exception. */
export function validatePipelineFile(
  file: string,
  registry: PluginRegistry,
  overrides: ParamOverride[] = [],
): ValidationResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return {
      problems: [
        {
          file,
          pointer: '',
          message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        },
      ],
    };
  }
  return validatePipelineText(file, text, registry, overrides);
}

/**
 * Every problem of a pipeline at once: syntax, structure, matrix keys, kinds and plugins, params,
 * ports and artifact types, and cycles. Returns the resolved pipeline only when there is no problem.
 * Overrides (`--set`) replace params after the structure check, so pointers still refer to the file.
 */
export function validatePipelineText(
  file: string,
  text: string,
  registry: PluginRegistry,
  overrides: ParamOverride[] = [],
): ValidationResult {
  const { source, problems: syntax } = JsonSource.parse(file, text);
  if (!source) return { problems: syntax };
  if (!structure(source.value)) {
    return { problems: describeAjvErrors(structure.errors).map((d) => source.problem(d.path, d.message)) };
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
    resolved.push({ ...n, plugin, params, inputs: portsAsDeclared(n.inputs, plugin) });
  }
  checkProducers(resolved, report);
  for (const cycle of findCycles(dagOf({ nodes }))) {
    const template = nodes.find((n) => n.id === cycle[0])!.template;
    report({ path: ['nodes', template, 'inputs'], message: `cycle: ${cycle.join(' -> ')}` });
  }
  const problems = found.map((p) => source.problem(p.path, p.message));
  if (problems.length) return { problems };
  return { pipeline: { file, name: file_.name, seed: file_.seed, nodes: inTopologicalOrder(resolved) }, problems: [] };
}

function inTopologicalOrder(nodes: ResolvedNode[]): ResolvedNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return topologicalOrder(dagOf({ nodes })).map((id) => byId.get(id)!);
}
