import { TableModel } from './table-model';

const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

/** A table as CSV (RFC 4180 quoting). */
export function toCsv(t: TableModel): string {
  return [t.header, ...t.rows].map((r) => r.map(quote).join(',')).join('\n') + '\n';
}
