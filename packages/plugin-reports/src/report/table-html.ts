import { escapeHtml } from '@rtlab/sdk';
import { TableModel } from '../render/table-model';

/** A table as HTML: the same cell texts as every other format, numbers right-aligned. */
export function tableHtml(id: string, t: TableModel): string {
  const cells = (row: string[], tag: 'th' | 'td') =>
    row.map((c, i) => `<${tag}${i < t.labelColumns ? '' : ' class="num"'}>${escapeHtml(c)}</${tag}>`).join('');
  return [
    `<table data-table="${escapeHtml(id)}">`,
    `<caption>${escapeHtml(t.title)}</caption>`,
    `<thead><tr>${cells(t.header, 'th')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => `<tr>${cells(r, 'td')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('\n');
}
