import { Artifact, Plugin, tableCells } from '@rtlab/sdk';
import { renderSvg, svgToPng } from '../plots/render-plot';
import { NodeArtifact, PLOT_KINDS, PlotKind, reportFigures } from '../report/report-figures';
import { reportFragment } from '../report/report-fragment';

/** The params of `report/html` (see the plugin's schema). */
export interface ReportParams {
  title: string;
  plots: PlotKind[];
}

/** The artifacts on a port with the ids of the nodes that made them. */
function fed(inputs: Record<string, unknown>, ids: Record<string, string | string[]>, port: string): NodeArtifact[] {
  const artifacts = (inputs[port] as Artifact[] | undefined) ?? [];
  const names = ids[port];
  return artifacts.map((artifact, i) => ({
    node: (Array.isArray(names) ? names[i] : names) ?? `${port}-${i + 1}`,
    artifact,
  }));
}

/**
 * `report/html`: the tables and plots of a run as an HTML fragment with inline SVG (Vega-Lite compiled
 * headless), plus each plot as PNG (tensors `png.<figure id>`). `rtlab run` wraps it in the run's page
 * (`report.html`: run details, params, record); a pipeline without a report node gets this plugin over
 * all its scores, tables and trained models.
 */
export const reportPlugin: Plugin<ReportParams> = {
  kind: 'report',
  name: 'html',
  version: '1.0.0',
  description:
    'Tables and plots (Lemma 1, Theorem 2 per sample, scores against numeric keys, training curves) as an HTML fragment with inline SVG, and each plot as PNG.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      title: { type: 'string', default: 'Results', description: 'Heading of the report.' },
      plots: {
        type: 'array',
        items: { enum: [...PLOT_KINDS] },
        uniqueItems: true,
        default: [...PLOT_KINDS],
        description:
          'Plots to draw where their data exist: lemma1, theorem2, trend (scores against a numeric label or eps), training.',
      },
    },
  },
  inputs: {
    tables: { type: 'Table', many: true, optional: true, description: 'tables shown as they print' },
    scores: {
      type: 'Scores',
      many: true,
      optional: true,
      description: 'score nodes whose rows and per-sample tensors are plotted',
    },
    models: {
      type: 'Model',
      many: true,
      optional: true,
      description: 'trained models whose per-epoch history is plotted',
    },
  },
  output: 'Report',
  namesInputs: true,
  async run(inputs, p, ctx) {
    const tables = fed(inputs, ctx.inputNodes, 'tables').flatMap(({ node, artifact }) => {
      const table = tableCells(artifact.meta);
      return table ? [{ id: node, table }] : [];
    });
    const figures = reportFigures(
      fed(inputs, ctx.inputNodes, 'scores'),
      fed(inputs, ctx.inputNodes, 'models'),
      new Set(p.plots),
    );
    const drawn = [];
    for (const figure of figures) drawn.push({ figure, svg: await renderSvg(figure.spec) });
    const tensors: Artifact['tensors'] = {};
    for (const { figure, svg } of drawn) {
      const png = svgToPng(svg);
      tensors[`png.${figure.id}`] = { dtype: 'uint8', shape: [png.length], data: png };
    }
    const listed = figures.map(({ id, kind, title, caption }) => ({ id, kind, title, caption }));
    return {
      type: 'Report',
      meta: { title: p.title, html: reportFragment(p.title, tables, drawn), figures: listed },
      tensors,
    };
  },
};
