import { Artifact, RtlabError } from '@rtlab/sdk';
import { attackResultView, AttackResultView } from '@rtlab/plugin-attacks';

/** An AttackResult on a classifier, checked to carry what accuracy and Theorem 2 need. */
export function classifierAttack(
  a: unknown,
  port: string,
): Required<Pick<AttackResultView, 'logitsClean' | 'predClean' | 'predAdv' | 'labels'>> & AttackResultView {
  const view = attackResultView(a as Artifact);
  if (!view.predClean || !view.predAdv || !view.labels || !view.logitsClean) {
    throw new RtlabError(
      'input',
      `port "${port}" needs an attack on a classification model (with predictions and labels); probe with task "classification"`,
    );
  }
  return view as ReturnType<typeof classifierAttack>;
}

export function fraction(count: number, of: number): number {
  return of === 0 ? 0 : count / of;
}

/** Share of predictions equal to the labels. */
export function accuracyOf(pred: Int32Array, labels: Int32Array): number {
  return fraction(
    pred.reduce((s, v, i) => s + (v === labels[i] ? 1 : 0), 0),
    labels.length,
  );
}
