import { TableModel } from './table-model';

const escape = (s: string) =>
  s
    .replace(/([&%$#_{}])/g, '\\$1')
    .replace(/~/g, '\\textasciitilde{}')
    .replace(/\^/g, '\\textasciicircum{}');

/** A booktabs tabular inside a table float. */
export function toLatex(t: TableModel): string {
  const spec = t.header.map((_, i) => (i < t.labelColumns ? 'l' : 'r')).join('');
  const line = (cells: string[]) => `    ${cells.map(escape).join(' & ')} \\\\`;
  return (
    [
      '\\begin{table}[t]',
      '  \\centering',
      `  \\caption{${escape(t.title)}}`,
      `  \\begin{tabular}{${spec}}`,
      '    \\toprule',
      line(t.header),
      '    \\midrule',
      ...t.rows.map(line),
      '    \\bottomrule',
      '  \\end{tabular}',
      '\\end{table}',
    ].join('\n') + '\n'
  );
}
