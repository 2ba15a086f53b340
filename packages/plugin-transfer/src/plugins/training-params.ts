/** Params shared by every training plugin, with their schema. */
export interface TrainingParams {
  epochs: number;
  batchSize: number;
  optimizer: 'adam' | 'sgd';
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: 'cosine' | 'constant';
}

/** The task of a new head (probes, fine-tuning): `task`, and for regression its `target`, required at validation. */
export const TASK_SCHEMA = {
  properties: {
    task: { enum: ['regression', 'classification'], description: 'Regress one target factor, or classify the labels.' },
    target: { type: 'string', description: 'Regression target factor, e.g. "scale" (required for regression).' },
  },
  if: { properties: { task: { const: 'regression' } }, required: ['task'] },
  then: { properties: { target: { type: 'string' } }, required: ['target'] },
};

export function trainingSchema(defaults: Partial<TrainingParams>): Record<string, unknown> {
  return {
    epochs: {
      type: 'integer',
      minimum: 1,
      default: defaults.epochs ?? 10,
      description: 'Passes over the training data.',
    },
    batchSize: {
      type: 'integer',
      minimum: 1,
      default: defaults.batchSize ?? 128,
      description: 'Samples per optimisation step.',
    },
    optimizer: {
      enum: ['adam', 'sgd'],
      default: defaults.optimizer ?? 'adam',
      description: 'Adam, or SGD with momentum.',
    },
    lr: { type: 'number', exclusiveMinimum: 0, default: defaults.lr ?? 0.001, description: 'Peak learning rate.' },
    momentum: { type: 'number', minimum: 0, maximum: 1, default: 0.9, description: 'SGD momentum.' },
    weightDecay: {
      type: 'number',
      minimum: 0,
      default: defaults.weightDecay ?? 0,
      description: 'L2 penalty on the trained weights (smaller ||W||, smaller loss gap: Tab. 2).',
    },
    schedule: {
      enum: ['cosine', 'constant'],
      default: defaults.schedule ?? 'cosine',
      description: 'Cosine annealing stepped per iteration, or constant.',
    },
  };
}
