import { RtlabError } from '@rtlab/sdk';
import { PipelineFile } from './pipeline-file';

/** `--set NODE.PARAM.PATH=VALUE`: VALUE is JSON (numbers, booleans, arrays), or else a plain string. */
export interface ParamOverride {
  node: string;
  path: string[];
  value: unknown;
}

/** Keys that would reach Object.prototype instead of a parameter. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses `train.count=200` or `net-{pre}.adversarial.steps=3` (node ids as written in the file,
 * templates included; the node id is everything before the first dot).
 */
export function parseOverride(text: string): ParamOverride {
  const eq = text.indexOf('=');
  const dot = text.indexOf('.');
  if (eq < 0 || dot < 0 || dot > eq)
    throw new RtlabError('usage', `--set ${text}: expected NODE.PARAM=VALUE, e.g. train.count=200`);
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // a bare word is a string
  }
  const path = text.slice(dot + 1, eq).split('.');
  const unsafe = path.find((k) => k === '' || UNSAFE_KEYS.has(k));
  if (unsafe !== undefined) throw new RtlabError('usage', `--set ${text}: "${unsafe}" is not a parameter name`);
  return { node: text.slice(0, dot), path, value };
}

/** Applies overrides to a parsed pipeline file's params (a copy); an unknown node is an error. */
export function applyOverrides(file: PipelineFile, overrides: ParamOverride[]): PipelineFile {
  const out = structuredClone(file);
  for (const o of overrides) {
    const node = Object.hasOwn(out.nodes, o.node) ? out.nodes[o.node] : undefined;
    if (!node)
      throw new RtlabError(
        'usage',
        `--set ${o.node}.${o.path.join('.')}: no node "${o.node}" in the pipeline (use the id as written, e.g. "net-{pre}")`,
      );
    let target = (node.params ??= {}) as Record<string, unknown>;
    for (const key of o.path.slice(0, -1)) {
      const next = Object.hasOwn(target, key) ? target[key] : undefined;
      if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) {
        throw new RtlabError(
          'usage',
          `--set ${o.node}.${o.path.join('.')}: "${key}" is ${JSON.stringify(next)}, not an object of parameters`,
        );
      }
      target = (next ?? (target[key] = {})) as Record<string, unknown>;
    }
    target[o.path[o.path.length - 1]] = o.value;
  }
  return out;
}
