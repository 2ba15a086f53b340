import { escapeHtml } from '@rtlab/sdk';
import { Figure } from '../plots/figure';
import { TableModel } from '../render/table-model';
import { tableHtml } from './table-html';

/** The tables and figures of a report as an HTML fragment (inline SVG, no script), for a page to wrap. */
export function reportFragment(
  title: string,
  tables: { id: string; table: TableModel }[],
  figures: { figure: Figure; svg: string }[],
): string {
  const parts: string[] = ['<section class="report">', `<h2>${escapeHtml(title)}</h2>`];
  if (tables.length)
    parts.push(
      '<section class="tables">',
      '<h3>Tables</h3>',
      ...tables.map((t) => tableHtml(t.id, t.table)),
      '</section>',
    );
  if (figures.length) {
    parts.push('<section class="figures">', '<h3>Figures</h3>');
    for (const { figure, svg } of figures) {
      parts.push(
        `<figure data-plot="${figure.kind}" id="${escapeHtml(figure.id)}">`,
        `<h4>${escapeHtml(figure.title)}</h4>`,
        svg,
        `<figcaption>${escapeHtml(figure.caption)}</figcaption>`,
        '</figure>',
      );
    }
    parts.push('</section>');
  }
  parts.push('</section>');
  return parts.join('\n');
}
