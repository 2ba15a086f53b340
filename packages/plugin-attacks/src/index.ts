// @rtlab/plugin-attacks: kind "attack"; the PGD and APGD loops and objectives are public for custom attacks.
import { pluginModule } from '@rtlab/sdk';
import { pgdL2 } from './pgd/pgd-l2';
import { pgdLinf } from './pgd/pgd-linf';
import { pgdPlugin } from './plugins/pgd-plugin';
import { apgdPlugin } from './plugins/apgd-plugin';
import { apgdL2, apgdLinf } from './apgd/apgd-norm';

export { attackResultView, AttackResultView } from './attack-result';
export { Objective, ObjectiveBatch, sliceBatch } from './objectives/objective';
export { OBJECTIVES, ObjectiveName } from './objectives/objectives';
export { PgdVariant, sampleNorms } from './pgd/pgd-variant';
export { pgdLinf } from './pgd/pgd-linf';
export { pgdL2 } from './pgd/pgd-l2';
export { pgdL1, projectL1Ball } from './pgd/pgd-l1';
export { runPgd, PgdSettings } from './pgd/run-pgd';
export { inputGradient, lossAndGradient, RowLoss } from './gradients/input-gradient';
export { pgdPlugin, apgdPlugin };
export { ApgdParams } from './plugins/apgd-plugin';
export { ApgdNorm, apgdLinf, apgdL2 } from './apgd/apgd-norm';
export { runApgd, ApgdSettings } from './apgd/run-apgd';
export { apgdCheckpoints, apgdSchedule, ApgdSchedule } from './apgd/apgd-schedule';
export { bestOverRestarts, restartSeed, RestartResult } from './restarts/best-over-restarts';
export { dlrLoss } from './objectives/dlr';
export { PgdParams } from './plugins/pgd-plugin';
export { inputBoundsSchema } from './plugins/objective-attack';

/** The package's plugins as an inversify module: what rtlab loads from it. */
export const rtlabModule = pluginModule([
  pgdPlugin(pgdLinf),
  pgdPlugin(pgdL2),
  apgdPlugin(apgdLinf),
  apgdPlugin(apgdL2),
]);
