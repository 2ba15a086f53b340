import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKEND_ORDER, RtlabError } from '@rtlab/sdk';
import { describeAjvErrors } from '../plugins/plugin-registry';

/** rtlab.config.json, all paths resolved against the folder that holds it. */
export interface RtlabConfig {
  /** Where the config was read from (undefined: defaults only). */
  file?: string;
  /** Modules (paths or package names) exporting `rtlabModule` (a ContainerModule) or `plugins` (Plugin[]). */
  plugins: string[];
  cacheDir: string;
  runsDir: string;
  dataRoot: string;
  modelRoot: string;
  concurrency: number;
  /** Worker threads for plugins (undefined: one per core on wasm/cpu). */
  workers?: number;
  backend?: string;
}

export const CONFIG_FILE = 'rtlab.config.json';

const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    plugins: { type: 'array', items: { type: 'string' } },
    cacheDir: { type: 'string' },
    runsDir: { type: 'string' },
    dataRoot: { type: 'string' },
    modelRoot: { type: 'string' },
    concurrency: { type: 'integer', minimum: 1 },
    workers: { type: 'integer', minimum: 0 },
    backend: { enum: ['auto', ...BACKEND_ORDER] },
  },
};
const validateConfig = new Ajv({ allErrors: true, verbose: true }).compile(CONFIG_SCHEMA);

/**
 * Reads `rtlab.config.json` from `dir` (or the given file); defaults when there is none.
 * Relative paths are taken from the config's folder, so a run works from any working directory.
 */
export function loadConfig(dir: string, explicit?: string): RtlabConfig {
  const file = explicit ? path.resolve(explicit) : path.join(dir, CONFIG_FILE);
  const base = path.dirname(file);
  let raw: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new RtlabError('config', `${file}: not valid JSON: ${(e as Error).message}`);
    }
    if (!validateConfig(raw)) {
      const msgs = describeAjvErrors(validateConfig.errors).map((e) => `${file}#/${e.path.join('/')}: ${e.message}`);
      throw new RtlabError('config', msgs.join('\n'));
    }
  } else if (explicit) {
    throw new RtlabError('config', `${file}: config file not found`);
  }
  const at = (p: unknown, fallback: string) => path.resolve(base, typeof p === 'string' ? p : fallback);
  return {
    file: fs.existsSync(file) ? file : undefined,
    plugins: ((raw.plugins as string[]) ?? []).map((p) =>
      p.startsWith('.') || path.isAbsolute(p) ? path.resolve(base, p) : packageFrom(base, p),
    ),
    cacheDir: at(raw.cacheDir, '.rtlab/cache'),
    runsDir: at(raw.runsDir, 'runs'),
    dataRoot: at(raw.dataRoot, 'data'),
    modelRoot: at(raw.modelRoot, 'models'),
    concurrency: (raw.concurrency as number) ?? 2,
    workers: raw.workers as number | undefined,
    backend: raw.backend as string | undefined,
  };
}

/**
 * A plugin package named in a config, found from the config's folder (the project that installed it),
 * not from wherever rtlab itself is installed; left as the name when it is not there (loading says so).
 */
function packageFrom(base: string, name: string): string {
  try {
    return require.resolve(name, { paths: [base] });
  } catch {
    return name;
  }
}
