import { JsonValue } from '@rtlab/sdk';

/** The metadata of a Model artifact (its tensors are the weights, by name). */
export interface ModelMeta {
  [key: string]: JsonValue | undefined;
  architecture: string;
  inputShape: [number, number, number];
  featureDim: number;
  /** Rows of the head W (0: representation only, no head). */
  outputs: number;
  task?: 'regression' | 'classification';
  /** Regression: the target factor the head predicts. */
  target?: string;
  classes?: string[];
}
