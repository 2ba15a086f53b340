import { MatrixValue, NodeSpec, PipelineFile } from './pipeline-file';

/** A node after matrix expansion: concrete id, params and input references. */
export interface ExpandedNode {
  id: string;
  /** The id as written in the file (its JSON pointer is /nodes/<template>). */
  template: string;
  bindings: Record<string, MatrixValue>;
  kind: string;
  plugin: string;
  inputs: Record<string, string | string[]>;
  params: Record<string, unknown>;
}

export interface ExpansionProblem {
  path: (string | number)[];
  message: string;
}

const TEMPLATE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Node ids name files (tables next to the run record), so they are plain names: no separators, no dots first. */
export const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** More nodes than this is a mistake in the matrix, not an experiment: refuse before expanding. */
export const MAX_NODES = 10_000;

export function templateKeys(text: string): string[] {
  return [...new Set([...text.matchAll(TEMPLATE)].map((m) => m[1]))];
}

function substitute(text: string, bindings: Record<string, MatrixValue>): string {
  return text.replace(TEMPLATE, (whole, k: string) => (Object.hasOwn(bindings, k) ? String(bindings[k]) : whole));
}

/** Every combination of the given keys' values, in key order then value order. */
export function cartesian(keys: string[], matrix: Record<string, MatrixValue[]>): Record<string, MatrixValue>[] {
  return keys.reduce<Record<string, MatrixValue>[]>(
    (combos, k) => combos.flatMap((c) => matrix[k].map((v) => ({ ...c, [k]: v }))),
    [{}],
  );
}

/** A string that is exactly "{key}" takes the matrix value itself (so numbers stay numbers). */
function substituteValue(value: unknown, bindings: Record<string, MatrixValue>, used: (k: string) => void): unknown {
  if (typeof value === 'string') {
    templateKeys(value).forEach(used);
    const whole = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    if (whole && Object.hasOwn(bindings, whole[1])) return bindings[whole[1]];
    return substitute(value, bindings);
  }
  if (Array.isArray(value)) return value.map((v) => substituteValue(v, bindings, used));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteValue(v, bindings, used)]));
  }
  return value;
}

class Expander {
  readonly problems: ExpansionProblem[] = [];
  readonly used = new Set<string>();
  private readonly reported = new Set<string>();

  constructor(private readonly matrix: Record<string, MatrixValue[]>) {}

  report(path: (string | number)[], message: string): void {
    const id = `${path.join('/')}|${message}`;
    if (!this.reported.has(id)) this.problems.push({ path, message });
    this.reported.add(id);
  }

  expandNode(template: string, spec: NodeSpec): ExpandedNode[] {
    const local = { ...this.matrix, ...(spec.foreach ?? {}) };
    const keys = templateKeys(template);
    keys.forEach((k) => this.used.add(k));
    const undefinedKeys = keys.filter((k) => !Object.hasOwn(local, k));
    if (undefinedKeys.length) {
      this.report(
        ['nodes', template],
        `node id uses undefined matrix key${undefinedKeys.length > 1 ? 's' : ''} ${undefinedKeys.map((k) => `{${k}}`).join(', ')}; define ${undefinedKeys.length > 1 ? 'them' : 'it'} in "matrix" or the node's "foreach"`,
      );
      return [];
    }
    Object.keys(spec.foreach ?? {})
      .filter((k) => !keys.includes(k))
      .forEach((k) =>
        this.report(
          ['nodes', template, 'foreach', k],
          `foreach key "${k}" is not used in the node id; add {${k}} to the id or remove it`,
        ),
      );
    const count = keys.reduce((n, k) => n * local[k].length, 1);
    if (count > MAX_NODES) {
      this.report(['nodes', template], `node id expands to ${count} nodes (more than ${MAX_NODES}); split the matrix`);
      return [];
    }
    return cartesian(keys, local).map((bindings) => ({
      id: substitute(template, bindings),
      template,
      bindings,
      kind: spec.kind,
      plugin: this.pluginName(template, spec.plugin, bindings),
      params: this.params(template, spec.params ?? {}, bindings),
      inputs: Object.fromEntries(
        Object.entries(spec.inputs ?? {}).map(([port, ref]) => [port, this.inputRef(template, port, ref, bindings)]),
      ),
    }));
  }

  private pluginName(template: string, plugin: string, bindings: Record<string, MatrixValue>): string {
    for (const k of templateKeys(plugin)) {
      this.used.add(k);
      if (!Object.hasOwn(bindings, k))
        this.report(
          ['nodes', template, 'plugin'],
          `plugin name uses {${k}}, which the node id "${template}" does not bind`,
        );
    }
    return substitute(plugin, bindings);
  }

  private params(
    template: string,
    params: Record<string, unknown>,
    bindings: Record<string, MatrixValue>,
  ): Record<string, unknown> {
    return substituteValue(params, bindings, (k) => {
      this.used.add(k);
      if (!Object.hasOwn(bindings, k)) {
        this.report(
          ['nodes', template, 'params'],
          Object.hasOwn(this.matrix, k)
            ? `params use {${k}}, but the node id "${template}" does not bind it; add {${k}} to the id`
            : `params use undefined matrix key {${k}}`,
        );
      }
    }) as Record<string, unknown>;
  }

  /** Substitutes bound keys; a reference with unbound matrix keys gathers every matching node into a list. */
  private inputRef(
    template: string,
    port: string,
    ref: string | string[],
    bindings: Record<string, MatrixValue>,
  ): string | string[] {
    const refs = Array.isArray(ref) ? ref : [ref];
    const out: string[] = [];
    for (const r of refs) {
      const unbound = templateKeys(r).filter((k) => !Object.hasOwn(bindings, k));
      templateKeys(r).forEach((k) => this.used.add(k));
      const missing = unbound.filter((k) => !Object.hasOwn(this.matrix, k));
      if (missing.length) {
        this.report(
          ['nodes', template, 'inputs', port],
          `input "${r}" uses undefined matrix key ${missing.map((k) => `{${k}}`).join(', ')}`,
        );
        continue;
      }
      const bound = substitute(r, bindings);
      out.push(...cartesian(unbound, this.matrix).map((b) => substitute(bound, b)));
    }
    return !Array.isArray(ref) && out.length === 1 && templateKeys(ref).every((k) => Object.hasOwn(bindings, k))
      ? out[0]
      : out;
  }
}

/**
 * Expands `matrix` (and per-node `foreach`) templates into concrete nodes, reporting undefined and unused keys.
 * @example "net-{pre}" with matrix { pre: ["random", "standard"] } -> nodes "net-random", "net-standard".
 */
export function expandMatrix(file: PipelineFile): { nodes: ExpandedNode[]; problems: ExpansionProblem[] } {
  const matrix = file.matrix ?? {};
  const expander = new Expander(matrix);
  const nodes: ExpandedNode[] = [];
  const seen = new Map<string, string>();
  for (const [template, spec] of Object.entries(file.nodes)) {
    for (const node of expander.expandNode(template, spec)) {
      if (!NODE_ID.test(node.id)) {
        expander.report(
          ['nodes', template],
          `node id "${printable(node.id)}" is not a plain name: use letters, digits, ".", "_" and "-" (first a letter or digit), at most 128 characters${Object.keys(node.bindings).length ? ` (matrix values ${printable(JSON.stringify(node.bindings))})` : ''}`,
        );
        continue;
      }
      if (nodes.length >= MAX_NODES) {
        expander.report(['nodes'], `the pipeline expands to more than ${MAX_NODES} nodes; split the matrix`);
        break;
      }
      const first = seen.get(node.id);
      if (first !== undefined) {
        expander.report(
          ['nodes', template],
          `expands to node id "${node.id}", which "${first}" also produces; node ids must be unique`,
        );
        continue;
      }
      seen.set(node.id, template);
      nodes.push(node);
    }
  }
  for (const key of Object.keys(matrix).filter((k) => !expander.used.has(k))) {
    expander.report(
      ['matrix', key],
      `matrix key "${key}" is never used; reference it as {${key}} in a node id, or remove it`,
    );
  }
  return { nodes, problems: expander.problems };
}

/** A user's string for a one-line message: control characters escaped, long ones cut. */
function printable(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > 80 ? `${escaped.slice(0, 77)}...` : escaped;
}
