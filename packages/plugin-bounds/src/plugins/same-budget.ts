import { ProducerInfo, RtlabError } from '@rtlab/sdk';
import { AttackResultView } from '@rtlab/plugin-attacks';

/**
 * A bound compares the loss gap found in one ball with the AS found in the same ball: its two attack
 * ports must use the same norm and eps, or the bound says nothing. Checked before anything runs.
 * @example checkProducers: sameBudget('loss', 'as')
 */
export function sameBudget(
  lossPort: string,
  asPort: string,
): (producers: Record<string, ProducerInfo | ProducerInfo[]>) => string[] {
  return (producers) => {
    const [loss, as] = [producers[lossPort], producers[asPort]];
    if (!loss || !as || Array.isArray(loss) || Array.isArray(as)) return [];
    // attacks that declare no ball (Plugin.ball) are checked on their results instead (checkSameBudget)
    if (!loss.ball || !as.ball) return [];
    const problems: string[] = [];
    if (loss.ball.norm !== as.ball.norm)
      problems.push(
        `ports "${lossPort}" and "${asPort}" attack in different norms ("${loss.id}" is ${loss.plugin} in ${loss.ball.norm}, "${as.id}" is ${as.plugin} in ${as.ball.norm}): use one norm for both`,
      );
    const [el, ea] = [loss.ball.eps, as.ball.eps];
    if (el !== ea)
      problems.push(
        `ports "${lossPort}" and "${asPort}" attack with different eps ("${loss.id}" ${el}, "${as.id}" ${ea}): use one eps for both`,
      );
    return problems;
  };
}

/** The same check on the attack results themselves (their norm, or the attack's name when one names none, and eps). */
export function checkSameBudget(loss: AttackResultView, as: AttackResultView, lossPort: string): void {
  const ball = (a: AttackResultView) => ({ norm: a.meta.norm ?? a.meta.attack, eps: a.meta.eps });
  const [l, r] = [ball(loss), ball(as)];
  if (l.norm !== r.norm || l.eps !== r.eps) {
    throw new RtlabError(
      'input',
      `port "${lossPort}" comes from an attack in ${l.norm} at eps ${l.eps}, port "as" from one in ${r.norm} at eps ${r.eps}: a bound needs both attacks in the same ball`,
    );
  }
}
