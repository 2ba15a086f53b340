import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { Plugin, RtlabError } from '@rtlab/sdk';
import { NODE_ID } from '../pipeline/expand-matrix';

export interface ParamsResult {
  /** The params with schema defaults applied (a copy; the input is not changed). */
  params: Record<string, unknown>;
  errors: { path: string[]; message: string }[];
}

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * All plugins known to this process, looked up by kind and name, with their params schemas compiled once.
 * @example registry.find('attack', 'pgd-linf')
 */
export class PluginRegistry {
  private readonly plugins = new Map<string, Plugin>();
  private readonly validators = new Map<Plugin, ValidateFunction>();
  private readonly ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
  });

  constructor(
    plugins: Iterable<Plugin>,
    /** kind/name -> the folder of the module that bound it. */
    private readonly origins = new Map<string, string>(),
  ) {
    for (const p of plugins) this.add(p);
  }

  /** The folder of the module a plugin came from: where its own stack frames lie. */
  originOf(plugin: Plugin): string | undefined {
    return this.origins.get(`${plugin.kind}/${plugin.name}`);
  }

  private add(p: Plugin): void {
    const id = `${p.kind}/${p.name}`;
    const missing = (['kind', 'name', 'version', 'description', 'params', 'inputs', 'output', 'run'] as const).filter(
      (f) => p[f] === undefined,
    );
    if (missing.length) throw new RtlabError('plugin', `plugin ${id} lacks ${missing.join(', ')}`);
    if (!NODE_ID.test(String(p.kind)) || !NODE_ID.test(String(p.name)))
      throw new RtlabError(
        'plugin',
        `plugin ${id}: kind and name must be plain names (letters, digits, ".", "_", "-"; first a letter or digit), as node ids are`,
      );
    if (!SEMVER.test(p.version))
      throw new RtlabError('plugin', `plugin ${id}: version must be semver (1.2.3), got "${p.version}"`);
    if (this.plugins.has(id)) throw new RtlabError('plugin', `two plugins are registered as ${id}; rename one`);
    try {
      this.validators.set(p, this.ajv.compile(p.params));
    } catch (e) {
      throw new RtlabError('plugin', `plugin ${id}: invalid params JSON Schema: ${(e as Error).message}`);
    }
    this.plugins.set(id, p);
  }

  all(): Plugin[] {
    return [...this.plugins.values()];
  }

  kinds(): string[] {
    return [...new Set(this.all().map((p) => p.kind))];
  }

  namesOf(kind: string): string[] {
    return this.all()
      .filter((p) => p.kind === kind)
      .map((p) => p.name);
  }

  find(kind: string, name: string): Plugin | undefined {
    return this.plugins.get(`${kind}/${name}`);
  }

  /** Validates params against the plugin's schema, applying defaults; every violation is returned. */
  checkParams(plugin: Plugin, params: Record<string, unknown>): ParamsResult {
    const copy = structuredClone(params);
    const validate = this.validators.get(plugin)!;
    if (validate(copy)) return { params: copy, errors: [] };
    return { params: copy, errors: describeAjvErrors(validate.errors) };
  }
}

/** ajv's errors described, without the "must match \"then\" schema" that repeats an if/then's own error. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined): { path: string[]; message: string }[] {
  return (errors ?? []).filter((e) => e.keyword !== 'if').map(describeAjvError);
}

/** Turns an ajv error into a path below params and a message that says what was found. */
export function describeAjvError(e: ErrorObject): { path: string[]; message: string } {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
    return {
      path: [...path, extra],
      message: `unknown parameter "${extra}"; allowed: ${allowed.join(', ') || '(none)'}`,
    };
  }
  if (e.keyword === 'required') {
    const prop = (e.params as { missingProperty: string }).missingProperty;
    return { path, message: `missing required parameter "${prop}"` };
  }
  const got = e.data === undefined ? '' : `, got ${JSON.stringify(e.data)}`;
  return { path, message: `${e.message ?? 'invalid'}${got}` };
}
