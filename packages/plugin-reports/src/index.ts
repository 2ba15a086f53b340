// @rtlab/plugin-reports: kinds "table" and "report".
import { pluginModule } from '@rtlab/sdk';
import { pivotTablePlugin } from './plugins/pivot-table-plugin';
import { reportPlugin } from './plugins/report-plugin';

export { pivot, PivotSpec, formatCell } from './render/pivot';
export { toMarkdown } from './render/markdown';
export { toCsv } from './render/csv';
export { toLatex } from './render/latex';
export { TableModel } from './render/table-model';
export { pivotTablePlugin, reportPlugin };

export { ReportParams } from './plugins/report-plugin';
/** The package's plugins as an inversify module: what rtlab loads from it. */
export const rtlabModule = pluginModule([pivotTablePlugin, reportPlugin]);
