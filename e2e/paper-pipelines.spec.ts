import * as path from 'node:path';
import { ROOT, rtlab, set, workspace } from './rtlab-cli';
import { CIFAR100_NET, dataFolder, FIXTURES, IMAGENET_NET } from './transfer-data';

// The paper's fine-tuning, distribution-shift and weight-decay pipelines end to end on tiny real-format
// files and the fixture networks, at a few samples, epochs and steps.
const TASKS = ['cifar10', 'fashion-mnist', 'intel-image'];
const LOADS = set(
  'train-cifar10.limit=12',
  'test-cifar10.limit=4',
  'train-fashion-mnist.limit=12',
  'test-fashion-mnist.limit=6',
  'train-intel-image.size=[24,24]',
  'test-intel-image.size=[24,24]',
);
const TUNED = set(
  'tuned-{task}-{mode}.epochs=2',
  'tuned-{task}-{mode}.batchSize=4',
  'as-{task}-{mode}.steps=2',
  'ce-{task}-{mode}.steps=2',
  'probe-{task}.epochs=2',
  'as-{task}.steps=2',
  'ce-{task}.steps=2',
);
const AT48 = set(...['train', 'test'].flatMap((s) => TASKS.map((t) => `${s}-${t}.resize=[48,48]`)));

/** The rows of the printed table whose title contains `title`, header first. */
function table(stdout: string, title: string): string[] {
  const block = stdout.split('\n\n**').find((b) => b.includes(title)) ?? '';
  return block.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| :--'));
}

describe.each([
  [
    'cifar100-finetune',
    [...LOADS, ...TUNED, ...CIFAR100_NET],
    [
      ['Tab. 5', '| task |  | lp | ft | lp-ft | lp-train-mode |', 3 * 3],
      ['Tab. 9', '| task |  | lp | ft | lp-ft | lp-train-mode |', 3 * 4],
    ],
  ],
  [
    'imagenet-finetune',
    [...LOADS, ...TUNED, ...AT48, ...IMAGENET_NET],
    [
      ['Tab. 5', '| task |  | lp | ft | lp-ft | lp-train-mode |', 3 * 3],
      ['Tab. 9', '| task |  | lp | ft | lp-ft | lp-train-mode |', 3 * 4],
    ],
  ],
  [
    'cifar100-corruptions',
    [
      ...CIFAR100_NET,
      ...set(
        'probe-clean.epochs=2',
        'probe-{corruption}-{severity}.epochs=2',
        'as-clean.steps=2',
        'ce-clean.steps=2',
        'as-{corruption}-{severity}.steps=2',
        'ce-{corruption}-{severity}.steps=2',
      ),
    ],
    [
      ['Tab. 12', '| severity | acc. | robust acc. | CE | robust CE | Diff. CE | \\|\\|W\\|\\| | LHS | AS |', 4],
      ['Tab. 13', '| severity | acc. | robust acc. | CE | robust CE | Diff. CE | \\|\\|W\\|\\| | LHS | AS |', 4],
    ],
  ],
  [
    'imagenet-resize',
    [
      ...IMAGENET_NET,
      ...set(
        'train-{size}.limit=8',
        'test-{size}.limit=4',
        'probe-{size}.epochs=2',
        'as-{size}.steps=1',
        'ce-{size}.steps=1',
      ),
    ],
    [['Tab. 10', '| size | clean CE | robust CE | clean acc. | robust acc. | prop. fulfilled | LHS | RHS |', 3]],
  ],
  [
    'cifar100-weight-decay',
    [...LOADS, ...CIFAR100_NET, ...set('probe-{task}-{wd}.epochs=2', 'ce-{task}-{wd}.steps=2', 'as-{task}.steps=2')],
    [['Tab. 2', '| weightDecay | task | Diff. CE | \\|\\|W\\|\\| | LHS | AS |', 6]],
  ],
] as const)('pipelines/%s.json on tiny real-format files', (name, sets, tables) => {
  const dir = workspace();

  it('runs end to end and prints its tables with every cell computed', () => {
    const r = rtlab(
      dir,
      '--data-root',
      dataFolder(dir),
      '--model-root',
      FIXTURES,
      'run',
      path.join(ROOT, 'pipelines', `${name}.json`),
      ...sets,
    );
    expect(r.stderr).not.toMatch(/leaked|warning|error/);
    expect(r.code).toBe(0);
    for (const [title, header, rows] of tables) {
      const t = table(r.stdout, title);
      expect([title, t[0]]).toEqual([title, header]);
      expect([title, t.length - 1]).toEqual([title, rows]);
      for (const row of t.slice(1)) expect(row).not.toContain('–');
    }
  }, 600_000);
});
