import { Artifact } from './artifact';

/** A table as `table` nodes store it: the cell texts as printed, the first `labelColumns` of each row naming it. */
export interface TableCells {
  title: string;
  header: string[];
  rows: string[][];
  labelColumns: number;
}

/** The cells of a Table artifact (its `meta.formats.json`), or undefined for another artifact. */
export function tableCells(meta: Artifact['meta']): TableCells | undefined {
  const json = (meta.formats as Record<string, unknown> | undefined)?.json;
  if (typeof json !== 'string') return undefined;
  const t = JSON.parse(json) as Partial<TableCells>;
  if (!Array.isArray(t.header) || !Array.isArray(t.rows)) return undefined;
  return {
    title: String(t.title ?? ''),
    header: t.header,
    rows: t.rows,
    labelColumns: typeof t.labelColumns === 'number' ? t.labelColumns : 1,
  };
}
