import { PluginRegistry } from '../plugins/plugin-registry';
import { PIPELINE_STRUCTURE_SCHEMA } from './pipeline-structure.schema';

/**
 * pipeline.schema.json for editors: the file structure plus, per installed plugin, its params schema
 * and its ports. Templated params ("{pre}") are checked after matrix expansion by `rtlab validate`.
 */
export function composePipelineSchema(registry: PluginRegistry): Record<string, unknown> {
  const schema = structuredClone(PIPELINE_STRUCTURE_SCHEMA) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const node = schema.properties.nodes.additionalProperties;
  node.properties.kind = { enum: registry.kinds(), description: node.properties.kind.description };
  node.allOf = [
    ...registry.kinds().map((kind) => ({
      if: { properties: { kind: { const: kind } }, required: ['kind'] },
      then: { properties: { plugin: { enum: registry.namesOf(kind) } } },
    })),
    ...registry.all().map((p) => ({
      if: { properties: { kind: { const: p.kind }, plugin: { const: p.name } }, required: ['kind', 'plugin'] },
      then: {
        description: p.description,
        properties: {
          params: p.params,
          inputs: {
            type: 'object',
            additionalProperties: false,
            required: Object.entries(p.inputs)
              .filter(([, s]) => !s.optional)
              .map(([n]) => n),
            properties: Object.fromEntries(
              Object.entries(p.inputs).map(([n, s]) => [
                n,
                { description: `${s.type}${s.many ? ' (list)' : ''}: ${s.description}` },
              ]),
            ),
          },
        },
      },
    })),
  ];
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'rtlab pipeline', ...schema };
}
