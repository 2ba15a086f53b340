import { TableModel } from './table-model';

const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

export function toCsv(t: TableModel): string {
  return [t.header, ...t.rows].map((r) => r.map(quote).join(',')).join('\n') + '\n';
}
