import { mean, Plugin, RtlabError, scoreMeta, scoresArtifact } from '@rtlab/sdk';
import { accuracyOf, classifierAttack } from './classification-inputs';
import { LABELS_ONLY_PARAMS, LabelsParams } from './labels-params';

/**
 * `score/accuracy`: clean and robust accuracy, clean and robust CE, and Tab. 4's relative difference
 * (robust CE - clean CE) / clean CE, from a CE attack on a classifier.
 */
export const accuracyPlugin: Plugin<LabelsParams> = {
  kind: 'score',
  name: 'accuracy',
  version: '1.1.0', // 1.1.0: rows carry eps; label and integer columns declared
  description:
    'Clean and robust accuracy, clean and robust cross-entropy, and their relative difference (Tab. 4), from a CE attack.',
  params: LABELS_ONLY_PARAMS,
  inputs: { ce: { type: 'AttackResult', description: 'CE attack on the classifier' } },
  output: 'Scores',
  async run(inputs, p) {
    const ce = classifierAttack(inputs.ce, 'ce');
    if (ce.meta.objective !== 'ce')
      throw new RtlabError('input', `accuracy needs a CE attack, got objective "${ce.meta.objective}"`);
    const [cleanCE, robustCE] = [mean(ce.lossClean), mean(ce.lossAdv)];
    return scoresArtifact(
      [
        {
          ...p.labels,
          cleanAccuracy: accuracyOf(ce.predClean, ce.labels),
          robustAccuracy: accuracyOf(ce.predAdv, ce.labels),
          cleanCE,
          robustCE,
          relativeDifference: cleanCE > 0 ? (robustCE - cleanCE) / cleanCE : null,
          n: ce.count,
          eps: ce.meta.eps,
        },
      ],
      {},
      scoreMeta(p.labels, ['n']),
    );
  },
};
