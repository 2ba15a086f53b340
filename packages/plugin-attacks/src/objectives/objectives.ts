import { crossEntropy } from './cross-entropy';
import { dlr } from './dlr';
import { Objective } from './objective';
import { regression } from './regression';
import { representation } from './representation';

/** What an attack maximises: the CE or the DLR loss of f, the regression error |f(x) - y|, or the representation shift. */
export type ObjectiveName = 'ce' | 'dlr' | 'regression' | 'representation';

/** Each objective as a per-sample loss of a network at a batch of inputs. */
export const OBJECTIVES: Record<ObjectiveName, Objective> = { ce: crossEntropy, dlr, regression, representation };
