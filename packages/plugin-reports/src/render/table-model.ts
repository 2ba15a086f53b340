/** A rendered-format-independent table: a header and rows of cell texts. */
export interface TableModel {
  title: string;
  header: string[];
  rows: string[][];
  /** Leading columns that are labels (left-aligned); the rest are numbers. */
  labelColumns: number;
}
