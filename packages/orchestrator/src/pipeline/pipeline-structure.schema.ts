/** JSON Schema of a pipeline file's structure; plugin params are checked separately against each plugin. */
const matrixValues = {
  type: 'array',
  minItems: 1,
  items: { type: ['string', 'number', 'boolean'] },
  description: 'The values a matrix key takes; each templated node is expanded once per value.',
};

export const PIPELINE_STRUCTURE_SCHEMA = {
  type: 'object',
  required: ['name', 'seed', 'nodes'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Path to pipeline.schema.json, for editors.' },
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      description: 'Pipeline name; runs are recorded under runs/<name>/.',
    },
    description: { type: 'string', description: 'What the experiment measures.' },
    seed: {
      type: 'integer',
      minimum: 0,
      maximum: 4294967295,
      description: 'Seed of every random choice in the pipeline.',
    },
    matrix: {
      type: 'object',
      additionalProperties: matrixValues,
      description: 'Keys expanded in templated node ids and params, e.g. {"pre": ["random", "standard"]}.',
    },
    nodes: {
      type: 'object',
      minProperties: 1,
      description: 'Node id -> node. Ids may contain {key} templates of matrix keys.',
      additionalProperties: {
        type: 'object',
        required: ['kind', 'plugin'],
        additionalProperties: false,
        properties: {
          kind: {
            type: 'string',
            description: 'Node kind: load, model, pretrain, encode, probe, attack, score, table, report.',
          },
          plugin: { type: 'string', description: 'Plugin name within the kind (see `rtlab plugins`).' },
          description: { type: 'string', description: 'Free text.' },
          inputs: {
            type: 'object',
            description: 'Input port -> producing node id (or a list of ids).',
            additionalProperties: {
              oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
            },
          },
          params: { type: 'object', description: "Plugin parameters (see the plugin's schema)." },
          foreach: {
            type: 'object',
            additionalProperties: matrixValues,
            description: 'Matrix keys for this node only.',
          },
        },
      },
    },
  },
} as const;
