import { crossEntropy } from './cross-entropy';
import { Objective } from './objective';
import { regression } from './regression';
import { representation } from './representation';

export type ObjectiveName = 'ce' | 'regression' | 'representation';

export const OBJECTIVES: Record<ObjectiveName, Objective> = { ce: crossEntropy, regression, representation };
