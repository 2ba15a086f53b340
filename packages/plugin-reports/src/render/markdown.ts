import { TableModel } from './table-model';

/** A table as GitHub Markdown. */
export function toMarkdown(t: TableModel): string {
  const align = t.header.map((_, i) => (i < t.labelColumns ? ':--' : '--:'));
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [`**${t.title}**`, '', line(t.header), line(align), ...t.rows.map(line)].join('\n') + '\n';
}
