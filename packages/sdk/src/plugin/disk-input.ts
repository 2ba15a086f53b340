/** A file or folder a node reads, relative to the data or the model root (see `Plugin.reads`). */
export interface DiskInput {
  root: 'data' | 'model';
  path: string;
}
