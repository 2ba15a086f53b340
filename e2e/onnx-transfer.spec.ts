import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCifar10 } from '../packages/plugin-datasets/src/test-support/dataset-files';
import { ROOT, rtlab, set, statuses, workspace } from './rtlab-cli';

// pipelines/onnx-transfer.json on tiny CIFAR-10 files and a small torchvision ResNet that
// torch.onnx.export wrote (tools/make-onnx-fixtures.py).
const PIPELINE = path.join(ROOT, 'pipelines/onnx-transfer.json');
const FIXTURE = path.join(ROOT, 'packages/plugin-models/fixtures/onnx/resnet.onnx');
const SMALL = set(
  'net.file=nets/resnet.onnx',
  'train.limit=12',
  'test.limit=4',
  'probe.epochs=2',
  'as.steps=2',
  'ce.steps=2',
);

/** A model root holding the fixture as nets/resnet.onnx. */
function modelRoot(dir: string, name: string): string {
  const root = path.join(dir, name);
  fs.mkdirSync(path.join(root, 'nets'), { recursive: true });
  fs.copyFileSync(FIXTURE, path.join(root, 'nets', 'resnet.onnx'));
  return root;
}

describe('pipelines/onnx-transfer.json on an exported torchvision ResNet', () => {
  const dir = workspace();
  const data = path.join(dir, 'data');
  writeCifar10(data, 4);
  let first: ReturnType<typeof rtlab>;
  beforeAll(() => {
    first = rtlab(dir, '--data-root', data, '--model-root', modelRoot(dir, 'models'), 'run', PIPELINE, ...SMALL);
  });

  it('runs end to end; its table has AS, LHS and RHS (Lemma 1), and Theorem 2', () => {
    expect(first.stderr).not.toMatch(/leaked|warning|error/);
    expect(first.code).toBe(0);
    const rows = first.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| :--'));
    expect(rows[0]).toBe(
      '| task | Diff. CE | \\|\\|W\\|\\| | LHS | RHS | AS | holds | clean acc. | robust acc. | prop. fulfilled | rob. fulfilled | clean CE | robust CE |',
    );
    expect(rows[1]).toMatch(/^\| cifar10 \| /);
    const cells = rows[1].split(' | ');
    // Lemma 1, accuracy and CE are computed for every run; "rob. fulfilled" only where a sample is certified.
    expect(cells.slice(1, 9).concat(cells.slice(11))).not.toContain('–');
    expect(cells[6]).toBe('yes');
    // Lemma 1 for CE: LHS <= RHS, and RHS is the AS score of g.
    expect(Number(cells[3])).toBeLessThanOrEqual(Number(cells[4]));
    expect(cells[4]).toBe(cells[5]);
  });

  it('a byte-identical file under another model root is a cache hit for every node', () => {
    const again = rtlab(
      dir,
      '--data-root',
      data,
      '--model-root',
      modelRoot(dir, 'elsewhere'),
      'run',
      PIPELINE,
      ...SMALL,
    );
    expect(again.code).toBe(0);
    expect(new Set(Object.values(statuses(again.stderr)))).toEqual(new Set(['hit']));
    expect(again.stdout).toBe(first.stdout);
  });

  it('a hostile file: one line naming it, a non-zero exit, and nothing cached for it', () => {
    const root = modelRoot(dir, 'hostile');
    const bytes = fs.readFileSync(path.join(root, 'nets', 'resnet.onnx'));
    fs.writeFileSync(path.join(root, 'nets', 'resnet.onnx'), bytes.subarray(0, bytes.length / 2));
    const bad = rtlab(dir, '--data-root', data, '--model-root', root, 'run', PIPELINE, ...SMALL);
    expect(bad.code).not.toBe(0);
    const errors = bad.stderr.split('\n').filter((l) => /resnet\.onnx: not a valid ONNX file/.test(l));
    expect(errors.length).toBeGreaterThan(0);
    expect(bad.stderr).not.toMatch(/^\s+at /m);
    expect(statuses(bad.stderr).net).not.toBe('hit');
    const retry = rtlab(dir, '--data-root', data, '--model-root', root, 'run', PIPELINE, ...SMALL, '--only', 'net');
    expect(statuses(retry.stderr).net).not.toBe('hit');
  });
});
