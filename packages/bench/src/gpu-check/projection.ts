/**
 * The paper's CIFAR-100 -> CIFAR-10 task (Tab. 1) at its real size, from measured rates of WideResNet-34-10:
 * the representation of all 50 000 training and 10 000 test images (probing and clean features), then
 * PGD-20 on the 10 000 test images twice: on the representation (the AS score) and on the CE.
 */
export const CIFAR_TASK = { encodes: 60_000, attackedImages: 10_000, steps: 20, attacks: 2 };

export interface Projection {
  /** Which measured rows the rates came from. */
  from: { encode: string; pgdStep: string };
  encodeMinutes: number;
  attackMinutes: number;
  totalMinutes: number;
}

/** Minutes for the task at the given images/s (encodes, and images through one PGD step). */
export function projectCifarTask(
  encode: { name: string; rate: number },
  pgdStep: { name: string; rate: number },
): Projection {
  const encodeMinutes = CIFAR_TASK.encodes / encode.rate / 60;
  const attackMinutes = (CIFAR_TASK.attacks * CIFAR_TASK.steps * CIFAR_TASK.attackedImages) / pgdStep.rate / 60;
  return {
    from: { encode: encode.name, pgdStep: pgdStep.name },
    encodeMinutes,
    attackMinutes,
    totalMinutes: encodeMinutes + attackMinutes,
  };
}
