import { NetworkSpec, WorkloadSpec } from '../workloads';

const WRN_34_10: NetworkSpec = { family: 'wide-resnet', depth: 34, widen: 10 };
const WRN_50_2: NetworkSpec = { family: 'resnet-bottleneck', blocks: [3, 4, 6, 3], planes: 64, widthPerGroup: 128 };
const DSPRITES: NetworkSpec = { family: 'dsprites-cnn' };

/** The workloads of one process of the GPU check (one network, so that a crash or time-out costs only its own rows). */
export interface WorkloadGroup {
  name: string;
  specs: WorkloadSpec[];
}

/**
 * The paper's workloads at their real sizes: WideResNet-34-10 on CIFAR (32x32) at batch 128 and 512,
 * WideResNet-50-2 on ImageNet (224x224) at batch 32, and the dSprites CNN's 20-step AS attack.
 * A PGD step is one forward to the logits and one input gradient: what each of PGD-20's steps costs.
 */
export const PAPER_GROUPS: WorkloadGroup[] = [
  {
    name: 'wrn-34-10',
    specs: [128, 512].flatMap((batch) => [
      named({ kind: 'encode', network: WRN_34_10, input: [32, 32, 3], batch }),
      named({ kind: 'pgd-step', network: WRN_34_10, input: [32, 32, 3], batch, classes: 10 }),
    ]),
  },
  {
    name: 'wrn-50-2',
    specs: [
      named({ kind: 'encode', network: WRN_50_2, input: [224, 224, 3], batch: 32 }),
      named({ kind: 'pgd-step', network: WRN_50_2, input: [224, 224, 3], batch: 32, classes: 1000 }),
    ],
  },
  {
    name: 'dsprites',
    specs: [named({ kind: 'as-attack', network: DSPRITES, input: [64, 64, 1], batch: 512, steps: 20 })],
  },
];

/** A workload's name says what it is: network, input size, kind, steps, batch (wrn-34-10-32px-pgd-step-b512). */
function named(s: Omit<WorkloadSpec, 'name'>): WorkloadSpec {
  const n = s.network;
  const net =
    n.family === 'dsprites-cnn'
      ? 'dsprites-cnn'
      : n.family === 'wide-resnet'
        ? `wrn-${n.depth}-${n.widen}`
        : n.blocks.join() === '3,4,6,3' && n.planes === 64 && n.widthPerGroup === 128
          ? 'wrn-50-2'
          : `resnet-${n.blocks.join('.')}-p${n.planes}-w${n.widthPerGroup}`;
  const kind = s.kind === 'as-attack' ? `as-pgd${s.steps ?? 20}` : s.kind;
  return { name: `${net}-${s.input[0]}px-${kind}-b${s.batch}`, ...s };
}

/**
 * The same workloads, kinds and names at tiny sizes, for the rehearsal on a software device (far too
 * slow for the real ones): it proves every step runs, not how fast.
 */
export const REHEARSAL_GROUPS: WorkloadGroup[] = PAPER_GROUPS.map((g) => ({
  name: g.name,
  specs: g.specs.map(({ name: _, ...s }): WorkloadSpec => {
    if (s.network.family === 'wide-resnet')
      return named({ ...s, network: { family: 'wide-resnet', depth: 10, widen: 1 }, batch: s.batch / 64 });
    if (s.network.family === 'resnet-bottleneck')
      return named({
        ...s,
        network: { family: 'resnet-bottleneck', blocks: [1, 1, 1, 1], planes: 8, widthPerGroup: 64 },
        input: [32, 32, 3],
        batch: 2,
      });
    return named({ ...s, batch: 4, steps: 2 });
  }),
}));

export const workloadGroups = (rehearsal: boolean) => (rehearsal ? REHEARSAL_GROUPS : PAPER_GROUPS);
