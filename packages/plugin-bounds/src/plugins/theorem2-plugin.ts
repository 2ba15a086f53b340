import { Artifact, HEAD_WEIGHT, Plugin, RtlabError, scoreMeta, scoresArtifact } from '@rtlab/sdk';
import { attackResultView } from '@rtlab/plugin-attacks';
import { margins } from '../margins/margins';
import { accuracyOf, classifierAttack, fraction } from './classification-inputs';
import { LABELS_ONLY_PARAMS, LabelsParams } from './labels-params';
import { checkSameBudget, sameBudget } from './same-budget';

/**
 * `score/theorem2`: sample i is certified when margin_i > 0 and AS_i <= margin_i; then no x' in the
 * ball changes its class (up to how well PGD estimated AS_i). Reports the share certified, the share
 * of those still correct under the CE attack (the theorem says 100%), and lists every violation.
 * Per sample: margins, AS_i (`as`), fulfilled, and whether it survived the CE attack (`survived`).
 */
export const theorem2Plugin: Plugin<LabelsParams> = {
  kind: 'score',
  name: 'theorem2',
  version: '1.1.0', // 1.1.0: per-sample AS_i and survival stored (for the report's plot), rows carry eps; label and integer columns declared
  description:
    'Theorem 2: per-sample margins of the linear head, fulfilled = margin > 0 and AS_i <= margin; prop. and rob. fulfilled, clean and robust accuracy, violations listed.',
  params: LABELS_ONLY_PARAMS,
  inputs: {
    ce: { type: 'AttackResult', description: 'CE attack on the probed classifier' },
    as: { type: 'AttackResult', description: 'representation attack on the same data (AS_i)' },
    model: { type: 'Model', description: 'the probed classifier, whose head W, b define the margins' },
  },
  output: 'Scores',
  checkProducers: sameBudget('ce', 'as'),
  async run(inputs, p) {
    const ce = classifierAttack(inputs.ce, 'ce');
    const as = attackResultView(inputs.as as Artifact);
    if (as.meta.objective !== 'representation')
      throw new RtlabError('input', `port "as" needs a representation attack, got objective "${as.meta.objective}"`);
    checkSameBudget(ce, as, 'ce');
    if (as.count !== ce.count)
      throw new RtlabError(
        'input',
        `the CE attack has ${ce.count} samples, the AS attack ${as.count}: attack the same data`,
      );
    const head = (inputs.model as Artifact).tensors[HEAD_WEIGHT];
    if (!head) throw new RtlabError('input', 'the model has no head W; probe it first');
    const [k, m] = head.shape;
    const margin = margins(ce.logitsClean, ce.labels, head.data as Float32Array, k, m);
    const fulfilled = Uint8Array.from(margin, (mi, i) => (mi > 0 && as.repDistance[i] <= mi ? 1 : 0));
    const violations = [...fulfilled.keys()].filter((i) => fulfilled[i] && ce.predAdv[i] !== ce.labels[i]);
    const count = fulfilled.reduce((s, f) => s + f, 0);
    return scoresArtifact(
      [
        {
          ...p.labels,
          propFulfilled: fraction(count, ce.count),
          robFulfilled: count ? fraction(count - violations.length, count) : null,
          fulfilled: count,
          violations,
          cleanAccuracy: accuracyOf(ce.predClean, ce.labels),
          robustAccuracy: accuracyOf(ce.predAdv, ce.labels),
          n: ce.count,
          eps: ce.meta.eps,
        },
      ],
      {
        margins: { dtype: 'float32', shape: [ce.count], data: Float32Array.from(margin) },
        as: { dtype: 'float32', shape: [ce.count], data: Float32Array.from(as.repDistance) },
        fulfilled: { dtype: 'uint8', shape: [ce.count], data: fulfilled },
        survived: {
          dtype: 'uint8',
          shape: [ce.count],
          data: Uint8Array.from(ce.predAdv, (pred, i) => (pred === ce.labels[i] ? 1 : 0)),
        },
      },
      scoreMeta(p.labels, ['fulfilled', 'n']),
    );
  },
};
