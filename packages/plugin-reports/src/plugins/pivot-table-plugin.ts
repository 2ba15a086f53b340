import { Artifact, Plugin, scoreColumns, scoreRows } from '@rtlab/sdk';
import { toCsv } from '../render/csv';
import { toLatex } from '../render/latex';
import { toMarkdown } from '../render/markdown';
import { pivot, PivotSpec } from '../render/pivot';

/**
 * `table/pivot`: score rows laid out as a paper table, rendered to Markdown (printed by `rtlab run`),
 * CSV, JSON and LaTeX (booktabs); `rtlab run` also writes each format into the run's folder.
 */
export const pivotTablePlugin: Plugin<PivotSpec> = {
  kind: 'table',
  name: 'pivot',
  version: '1.2.0', // 1.2.0: counts the score nodes declare print as integers
  description:
    'Lays score rows out as a table (row labels x values by a column label) in Markdown, CSV, JSON and LaTeX.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['rows', 'values'],
    properties: {
      title: { type: 'string', default: 'Results', description: 'Table caption.' },
      rows: {
        type: 'array',
        items: { type: 'string' },
        description: 'Label columns identifying a row, e.g. ["pre", "attack"].',
      },
      column: { type: 'string', description: 'Label whose values become columns, e.g. "fov".' },
      values: {
        type: 'array',
        minItems: 1,
        description: 'Figures to show, e.g. [{"name": "LHS", "field": "lhs"}].',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'field'],
          properties: {
            name: { type: 'string', description: 'Shown name.' },
            field: { type: 'string', description: 'Field of the score rows.' },
          },
        },
      },
      digits: { type: 'integer', minimum: 0, maximum: 10, default: 4, description: 'Decimals shown.' },
    },
  },
  inputs: { scores: { type: 'Scores', many: true, description: 'the score nodes whose rows form the table' } },
  output: 'Table',
  async run(inputs, p) {
    const scores = inputs.scores as Artifact[];
    const rows = scores.flatMap(scoreRows);
    const table = pivot(rows, p, new Set(scores.flatMap((a) => scoreColumns(a).integers)));
    const markdown = toMarkdown(table);
    const formats = {
      md: markdown,
      csv: toCsv(table),
      tex: toLatex(table),
      json:
        JSON.stringify(
          { title: p.title, header: table.header, rows: table.rows, labelColumns: table.labelColumns, scores: rows },
          null,
          2,
        ) + '\n',
    };
    return { type: 'Table', meta: { title: p.title, markdown, formats }, tensors: {} };
  },
};
