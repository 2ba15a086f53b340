import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, rtlab, set, statuses, untagged, workspace } from './rtlab-cli';
import { CIFAR100_NET, dataFolder, FIXTURES, IMAGENET_NET } from './transfer-data';

// The paper's pipelines end to end on tiny files in the real formats (written here) and tiny networks of the
// same families (PyTorch checkpoints from tools/make-torch-fixtures.py), at a few samples, epochs and steps.
const TASKS = ['cifar10', 'fashion-mnist', 'intel-image'];
const SMALL = set(
  'train-cifar10.limit=12',
  'test-cifar10.limit=4',
  'train-fashion-mnist.limit=12',
  'test-fashion-mnist.limit=6',
  'train-intel-image.size=[24,24]',
  'test-intel-image.size=[24,24]',
  'probe-{task}.epochs=2',
  'as-{task}.steps=2',
  'ce-{task}.steps=2',
);

/** A PyTorch .pt zip with the lowest byte of its first stored weight flipped (entries are stored uncompressed). */
function withOneWeightNudged(file: string): Buffer {
  const b = fs.readFileSync(file);
  const header = b.lastIndexOf(Buffer.from('PK\x03\x04', 'latin1'), b.indexOf('/data/0'));
  b[header + 30 + b.readUInt16LE(header + 26) + b.readUInt16LE(header + 28)] ^= 1;
  return b;
}

/** The rows of the printed table whose title contains `title`. */
function table(stdout: string, title: string): string[] {
  const block = stdout.split('\n\n**').find((b) => b.includes(title)) ?? '';
  return block.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| :--'));
}

describe.each([
  [
    'cifar100-transfer',
    'cifar100',
    [
      ...CIFAR100_NET,
      ...set('as-cifar100.steps=2', 'ce-cifar100.steps=2', 'ce-x2-{task}.steps=2', 'ce-x3-{task}.steps=2'),
    ],
  ],
  [
    'imagenet-transfer',
    'imagenet',
    [
      ...IMAGENET_NET,
      ...set(
        'as-imagenet.steps=2',
        'ce-imagenet.steps=2',
        'test-imagenet.limit=4',
        'test-imagenet.size=[48,48]',
        ...['train', 'test'].flatMap((s) => TASKS.map((t) => `${s}-${t}.resize=[48,48]`)),
      ),
    ],
  ],
])('pipelines/%s.json on tiny real-format files', (name, pretraining, network) => {
  const dir = workspace();
  const roots = ['--data-root', dataFolder(dir), '--model-root', FIXTURES];
  const pipeline = path.join(ROOT, 'pipelines', `${name}.json`);
  let first: ReturnType<typeof rtlab>;
  beforeAll(() => {
    first = rtlab(dir, ...roots, 'run', pipeline, ...SMALL, ...network);
  });

  it('runs end to end and prints the layouts of Tab. 1, 3 and 4, with the pretraining data in Tab. 4', () => {
    expect(first.stderr).not.toMatch(/leaked|warning|error/);
    expect(first.code).toBe(0);
    expect(table(first.stdout, 'Tab. 1')[0]).toBe('| task | Diff. CE | \\|\\|W\\|\\| | LHS | AS | holds |');
    expect(table(first.stdout, 'Tab. 3')[0]).toBe(
      '| task | clean acc. | robust acc. | prop. fulfilled | rob. fulfilled |',
    );
    expect(table(first.stdout, 'Tab. 4')[0]).toBe('| task | AS | clean CE | robust CE | rel. diff. |');
    for (const title of ['Tab. 1', 'Tab. 3', 'Tab. 4']) {
      expect(
        table(first.stdout, title)
          .slice(1)
          .map((r) => r.split(' | ')[0].slice(2)),
      ).toEqual(title === 'Tab. 4' ? [...TASKS, `${pretraining} (pretraining)`] : TASKS);
    }
    // Every figure was computed (no empty cells).
    for (const row of [...table(first.stdout, 'Tab. 1'), ...table(first.stdout, 'Tab. 4')].slice(1))
      expect(row).not.toContain('–');
  });

  if (name === 'cifar100-transfer') {
    it('adds Tab. 8: accuracy under 2 and 3 times eps beside Theorem 2 at eps', () => {
      const rows = table(first.stdout, 'Tab. 8');
      expect(rows[0]).toBe(`| strength |  | ${TASKS.join(' | ')} |`);
      expect(rows.slice(1).map((r) => r.split(' | ').slice(0, 2).join(' | '))).toEqual([
        '| 1 eps | clean acc.',
        '| 1 eps | robust acc.',
        '| 1 eps | prop. fulfilled',
        '| 2 eps | clean acc.',
        '| 2 eps | robust acc.',
        '| 2 eps | prop. fulfilled',
        '| 3 eps | clean acc.',
        '| 3 eps | robust acc.',
        '| 3 eps | prop. fulfilled',
      ]);
      expect(rows[5]).not.toContain('–');
      expect(rows[6]).toMatch(/prop\. fulfilled \| – \| – \| – \|$/);
    });

    it('its report plots robust accuracy and prop. fulfilled against eps (Tab. 8), one line per task', () => {
      const html = fs.readFileSync(/^report: (.*)$/m.exec(first.stderr)![1], 'utf8');
      expect(html).toContain('<figure data-plot="trend" id="trend-eps">');
      expect(html).toContain('Each score against eps, one line per task.');
      expect((html.match(/<figure data-plot="theorem2"/g) ?? []).length).toBeGreaterThan(0);
    });
  }

  if (name === 'imagenet-transfer') {
    const inFiles = workspace();
    it('--part-bytes: the image folders kept in files (of 1 and of 4 images), the attacks in 2 shards, the same tables', () => {
      const again = rtlab(
        inFiles,
        ...roots,
        'run',
        pipeline,
        ...SMALL,
        ...network,
        '--part-bytes',
        '7000',
        '--shards',
        '2',
      );
      expect(again.stderr).not.toMatch(/leaked|warning|error/);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe(first.stdout);
      const byEntry = new Map<string, string[]>();
      for (const e of fs
        .readdirSync(path.join(inFiles, 'cache'), { recursive: true, withFileTypes: true })
        .filter((f) => f.name.endsWith('.bin'))) {
        byEntry.set(e.parentPath, [...(byEntry.get(e.parentPath) ?? []), untagged(e.name)].sort());
      }
      const parts = (n: number) => Array.from({ length: n }, (_, i) => `f0.${i}.bin`);
      expect([...byEntry.values()]).toContainEqual(parts(4)); // test-imagenet: 4 images of 48x48x3 = 6912 bytes, one per file
      expect([...byEntry.values()]).toContainEqual(parts(3)); // intel-image: 12 images of 24x24x3, 4 per file
    });
  }

  const checkpoint = network.find((a) => a.startsWith('net.checkpoint='))!.split('=')[1];
  const elsewhere = (bytes: Buffer) => {
    const copy = fs.mkdtempSync(path.join(dir, 'models-'));
    fs.writeFileSync(path.join(copy, checkpoint), bytes);
    return ['--data-root', roots[1], '--model-root', copy];
  };

  it('a byte-identical checkpoint at another place, with another time, is a hit everywhere: keys follow contents', () => {
    const again = rtlab(
      dir,
      ...elsewhere(fs.readFileSync(path.join(FIXTURES, checkpoint))),
      'run',
      pipeline,
      ...SMALL,
      ...network,
    );
    expect(again.code).toBe(0);
    expect(new Set(Object.values(statuses(again.stderr)))).toEqual(new Set(['hit']));
    expect(again.stdout).toBe(first.stdout);
  });

  it('a checkpoint with other bytes (one weight nudged) recomputes the network and all after it, not the data', () => {
    const again = rtlab(
      dir,
      ...elsewhere(withOneWeightNudged(path.join(FIXTURES, checkpoint))),
      'run',
      pipeline,
      ...SMALL,
      ...network,
    );
    expect(again.code).toBe(0);
    const computed = Object.entries(statuses(again.stderr))
      .filter(([, s]) => s === 'computed')
      .map(([n]) => n);
    expect(computed).toContain('net');
    expect(computed.filter((n) => n.startsWith('train-') || n.startsWith('test-'))).toEqual([]);
    expect(table(again.stdout, 'Tab. 4').length).toBe(5);
  });
});
