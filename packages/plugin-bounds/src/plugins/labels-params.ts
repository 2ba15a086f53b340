import { LABELS_PARAM } from '@rtlab/sdk';

/** Params of a score plugin that takes nothing but its row labels. */
export interface LabelsParams {
  labels: Record<string, string | number | boolean>;
}

export const LABELS_ONLY_PARAMS = { type: 'object', additionalProperties: false, properties: { labels: LABELS_PARAM } };
