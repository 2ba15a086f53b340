// @rtlab/plugin-reports: kind "table".
import { pluginModule } from '@rtlab/sdk';
import { pivotTablePlugin } from './plugins/pivot-table-plugin';

export { pivot, PivotSpec, formatCell } from './render/pivot';
export { toMarkdown } from './render/markdown';
export { toCsv } from './render/csv';
export { toLatex } from './render/latex';
export { TableModel } from './render/table-model';
export { pivotTablePlugin };

export const rtlabModule = pluginModule([pivotTablePlugin]);
