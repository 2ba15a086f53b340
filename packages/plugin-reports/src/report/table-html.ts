import { escapeHtml } from '@rtlab/sdk';
import { TableModel } from '../render/table-model';

/** A table as HTML: the same cell texts as every other format, numbers right-aligned. */
export function tableHtml(id: string, t: TableModel): string {
  const cells = (row: string[], tag: 'th' | 'td') => row.map((c, i) => `<${tag}${i < t.labelColumns ? '' : ' class="num"'}>${escapeHtml(c)}</${tag}>`).join('');
  return [
    `<table data-table="${escapeHtml(id)}">`,
    `<caption>${escapeHtml(t.title)}</caption>`,
    `<thead><tr>${cells(t.header, 'th')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => `<tr>${cells(r, 'td')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('\n');
}

/** The table a `table` node stored (its JSON format), or undefined for another artifact. */
export function storedTable(meta: Record<string, unknown>): TableModel | undefined {
  const json = (meta.formats as Record<string, unknown> | undefined)?.json;
  if (typeof json !== 'string') return undefined;
  const t = JSON.parse(json) as TableModel;
  return { title: t.title, header: t.header, rows: t.rows, labelColumns: t.labelColumns ?? 0 };
}
