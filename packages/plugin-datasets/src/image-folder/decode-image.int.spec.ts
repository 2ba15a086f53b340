import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeJpeg } from './decode-image';

// JPEGs and PIL's decodes of them, from tools/make-jpeg-fixtures.py.
const FIXTURES = path.join(__dirname, '../../fixtures/jpeg');

describe('decodeJpeg', () => {
  it.each(['420', '422', '444', 'gray'])('equals PIL (libjpeg-turbo) byte for byte on the %s fixture', async (name) => {
    const reference = fs.readdirSync(FIXTURES).find((f) => f.startsWith(`${name}.pil-`))!;
    const [h, w] = /pil-(\d+)x(\d+)\.rgb$/.exec(reference)!.slice(1).map(Number);
    const { width, height, rgb } = await decodeJpeg(path.join(FIXTURES, `${name}.jpg`));
    expect([height, width]).toEqual([h, w]);
    expect(Buffer.from(rgb).equals(fs.readFileSync(path.join(FIXTURES, reference)))).toBe(true);
  });

  it('names the file of anything that is not a JPEG, or is cut short', async () => {
    const scratch = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'rtlab-jpeg-'));
    const png = path.join(scratch, 'fake.jpg');
    fs.writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await expect(decodeJpeg(png)).rejects.toThrow(/fake\.jpg: cannot decode as JPEG \(no JPEG start marker\)/);
    const cut = path.join(scratch, 'cut.jpg');
    const whole = fs.readFileSync(path.join(FIXTURES, '420.jpg'));
    fs.writeFileSync(cut, whole.subarray(0, whole.length / 2));
    await expect(decodeJpeg(cut)).rejects.toThrow(/cut\.jpg: cannot decode as JPEG/);
    fs.rmSync(scratch, { recursive: true, force: true });
  });
});
