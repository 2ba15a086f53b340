import { Plugin, ProducerInfo } from '@rtlab/sdk';
import { ExpandedNode, ExpansionProblem } from '../pipeline/expand-matrix';
import { PluginRegistry } from '../plugins/plugin-registry';
import { didYouMean } from './nearest-name';
import { ResolvedNode } from './resolved-pipeline';

type Report = (p: ExpansionProblem) => void;

/** Resolves kind and plugin, suggesting the nearest name when one is unknown. */
export function resolvePlugin(node: ExpandedNode, registry: PluginRegistry, report: Report): Plugin | undefined {
  const base = ['nodes', node.template];
  const kinds = registry.kinds();
  if (!kinds.includes(node.kind)) {
    report({
      path: [...base, 'kind'],
      message: `unknown kind "${node.kind}"${didYouMean(node.kind, kinds)}; kinds: ${kinds.join(', ')}`,
    });
    return undefined;
  }
  const plugin = registry.find(node.kind, node.plugin);
  if (plugin) return plugin;
  const otherKind = registry.all().find((p) => p.name === node.plugin);
  const hint = otherKind
    ? ` (plugin "${node.plugin}" is of kind "${otherKind.kind}")`
    : didYouMean(node.plugin, registry.namesOf(node.kind));
  report({
    path: [...base, 'plugin'],
    message: `unknown ${node.kind} plugin "${node.plugin}"${hint}; available: ${registry.namesOf(node.kind).join(', ')}`,
  });
  return undefined;
}

function where(node: Pick<ExpandedNode, 'id' | 'bindings'>): string {
  const b = Object.entries(node.bindings);
  return b.length ? ` (in ${node.id}: ${b.map(([k, v]) => `${k}=${v}`).join(', ')})` : '';
}

export function checkParams(
  node: ExpandedNode,
  plugin: Plugin,
  registry: PluginRegistry,
  report: Report,
): Record<string, unknown> {
  const { params, errors } = registry.checkParams(plugin, node.params);
  for (const e of errors)
    report({ path: ['nodes', node.template, 'params', ...e.path], message: `${e.message}${where(node)}` });
  return params;
}

/** Ports: unknown, missing, dangling references, single vs list, and the producer's artifact type. */
export function checkInputs(
  node: ExpandedNode,
  plugin: Plugin,
  producers: Map<string, Plugin | undefined>,
  report: Report,
): void {
  const base = ['nodes', node.template, 'inputs'];
  const ports = Object.keys(plugin.inputs);
  for (const [port, ref] of Object.entries(node.inputs)) {
    const spec = Object.hasOwn(plugin.inputs, port) ? plugin.inputs[port] : undefined;
    if (!spec) {
      report({
        path: [...base, port],
        message: `plugin ${plugin.kind}/${plugin.name} has no input port "${port}"${didYouMean(port, ports)}; ports: ${ports.join(', ') || '(none)'}`,
      });
      continue;
    }
    if (Array.isArray(ref) && !spec.many) {
      report({
        path: [...base, port],
        message: `port "${port}" takes one ${spec.type}, but the reference expands to ${ref.length} nodes${where(node)}`,
      });
    }
    for (const id of [ref].flat()) {
      if (!producers.has(id)) {
        report({
          path: [...base, port],
          message: `input names node "${id}", which does not exist${didYouMean(id, producers.keys())}${where(node)}`,
        });
        continue;
      }
      const producer = producers.get(id);
      if (producer && spec.type !== 'any' && producer.output !== spec.type) {
        report({
          path: [...base, port],
          message: `port "${port}" expects ${spec.type}, but "${id}" (${producer.kind}/${producer.name}) produces ${producer.output}`,
        });
      }
    }
  }
  for (const [port, spec] of Object.entries(plugin.inputs)) {
    if (!spec.optional && !Object.hasOwn(node.inputs, port)) {
      report({
        path: [...base],
        message: `missing input port "${port}" (${spec.type}: ${spec.description})${where(node)}`,
      });
    }
  }
}

/** Lets each plugin check how its producers fit together (`Plugin.checkProducers`), once every node resolved. */
export function checkProducers(nodes: ResolvedNode[], report: Report): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const info = (id: string): ProducerInfo | undefined => {
    const n = byId.get(id);
    return (
      n && {
        id,
        kind: n.kind,
        plugin: n.plugin.name,
        params: n.params,
        ...(n.plugin.ball ? { ball: n.plugin.ball(n.params) } : {}),
      }
    );
  };
  for (const node of nodes) {
    if (!node.plugin.checkProducers) continue;
    const ports = Object.entries(node.inputs).map(
      ([port, ref]) => [port, Array.isArray(ref) ? ref.map(info) : info(ref)] as const,
    );
    if (ports.some(([, p]) => [p].flat().includes(undefined))) continue;
    const producers = Object.fromEntries(ports) as Record<string, ProducerInfo | ProducerInfo[]>;
    for (const message of node.plugin.checkProducers(producers))
      report({ path: ['nodes', node.template, 'inputs'], message: `${message}${where(node)}` });
  }
}

/** A list port given one node id receives a list of one, as the plugin expects. */
export function portsAsDeclared(inputs: ExpandedNode['inputs'], plugin: Plugin): ExpandedNode['inputs'] {
  return Object.fromEntries(
    Object.entries(inputs).map(([port, ref]) => [port, plugin.inputs[port]?.many && !Array.isArray(ref) ? [ref] : ref]),
  );
}
