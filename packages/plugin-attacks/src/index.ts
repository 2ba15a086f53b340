// @rtlab/plugin-attacks: kind "attack"; the PGD loop and objectives are public for custom attacks.
import { pluginModule } from '@rtlab/sdk';
import { pgdL2 } from './pgd/pgd-l2';
import { pgdLinf } from './pgd/pgd-linf';
import { pgdPlugin } from './plugins/pgd-plugin';

export { attackResultView, AttackResultView } from './attack-result';
export { Objective, ObjectiveBatch, sliceBatch } from './objectives/objective';
export { OBJECTIVES, ObjectiveName } from './objectives/objectives';
export { PgdVariant, sampleNorms } from './pgd/pgd-variant';
export { pgdLinf } from './pgd/pgd-linf';
export { pgdL2 } from './pgd/pgd-l2';
export { pgdL1, projectL1Ball } from './pgd/pgd-l1';
export { inputGradient, runPgd, PgdSettings, RowLoss } from './pgd/run-pgd';
export { pgdPlugin };
export { PgdParams } from './plugins/pgd-plugin';

/** The package's plugins as an inversify module: what rtlab loads from it. */
export const rtlabModule = pluginModule([pgdPlugin(pgdLinf), pgdPlugin(pgdL2)]);
