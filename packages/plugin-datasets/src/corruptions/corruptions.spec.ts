import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { datasetArtifact, datasetView, SeededRng, standaloneContext } from '@rtlab/sdk';
import { gaussianNoisePlugin, zoomBlurPlugin } from './corruption-plugins';
import { NOISE_SCALES } from './gaussian-noise';
import { clippedZoom, ZOOM_FACTORS, zoomBlur, zoomLinear } from './zoom-blur';

const FIXTURE = path.join(__dirname, '../../fixtures/zoom-blur.json');

describe('zoom blur', () => {
  it("has numpy's zoom factors: arange(1, end, 0.01) holds 7, 12, 16, 21 and 26 of them", () => {
    expect(ZOOM_FACTORS.map((z) => z.length)).toEqual([7, 12, 16, 21, 26]);
    expect(ZOOM_FACTORS[0].at(-1)).toBeCloseTo(1.06, 12);
    expect(ZOOM_FACTORS[4].at(-1)).toBe(1.2500000000000002); // numpy's step is (1 + 0.01) - 1
  });

  it('reproduces a linear ramp exactly (linear interpolation, corners aligned), and zoom 1 is the identity', () => {
    const ramp = Float32Array.from({ length: 7 * 5 }, (_, i) => 3 * Math.floor(i / 5) + (i % 5));
    const { data, shape } = zoomLinear(ramp, [7, 5, 1], 1.5);
    expect(shape).toEqual([10, 8, 1]); // Python's round: 10.5 -> 10, 7.5 -> 8
    for (let y = 0; y < shape[0]; y++) {
      for (let x = 0; x < shape[1]; x++) expect(data[y * shape[1] + x]).toBeCloseTo(3 * ((y * 6) / 9) + (x * 4) / 7, 5);
    }
    const img = Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => ((i * 37) % 255) / 255);
    expect(clippedZoom(img, [8, 8, 3], 1)).toEqual(img);
  });

  it('matches scipy.ndimage.zoom (tools/make-corruption-fixtures.py) at every severity, byte for byte', () => {
    const { shape, cases } = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as {
      shape: [number, number, number];
      cases: { image: string; blurred: string[] }[];
    };
    let [equal, total, worst] = [0, 0, 0];
    for (const c of cases) {
      const image = new Uint8Array(Buffer.from(c.image, 'base64'));
      c.blurred.forEach((b64, s) => {
        const expected = Buffer.from(b64, 'base64');
        const out = new Uint8Array(image.length);
        zoomBlur(image, shape, s + 1, out, 0);
        out.forEach((v, i) => {
          equal += v === expected[i] ? 1 : 0;
          worst = Math.max(worst, Math.abs(v - expected[i]));
        });
        total += out.length;
      });
    }
    expect([worst, equal]).toEqual([0, total]);
  });

  it('keeps black and white images as they are', () => {
    for (const v of [0, 255]) {
      const out = new Uint8Array(16 * 16 * 3);
      zoomBlur(new Uint8Array(out.length).fill(v), [16, 16, 3], 5, out, 0);
      expect(out.every((x) => x === v)).toBe(true);
    }
  });
});

describe('corrupt/gaussian-noise and corrupt/zoom-blur', () => {
  const n = 6;
  const grey = datasetArtifact({
    images: new Uint8Array(n * 32 * 32 * 3).fill(128),
    imageShape: [32, 32, 3],
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    meta: { name: 'grey', classes: ['a', 'b', 'c'], view: { resize: [64, 64] } },
  });

  it.each([1, 3, 5])(
    'Gaussian noise, severity %i: std c * 255 and mean 128 - 0.5 (np.uint8 truncates) on a grey image',
    async (severity) => {
      const d = datasetView(
        await gaussianNoisePlugin.run({ data: grey }, { severity }, standaloneContext({ seed: 4 })),
      );
      const v = d.images.read(0, n);
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
      expect(mean).toBeCloseTo(128 - 0.5, 0);
      expect(std / (NOISE_SCALES[severity - 1] * 255)).toBeCloseTo(1, 1);
    },
  );

  it('keeps labels, classes and the view; names the corruption; the same seed gives the same bytes, sample by sample', async () => {
    const a = await gaussianNoisePlugin.run({ data: grey }, { severity: 2 }, standaloneContext({ seed: 4 }));
    const b = await gaussianNoisePlugin.run({ data: grey }, { severity: 2 }, standaloneContext({ seed: 4 }));
    const [da, db] = [datasetView(a), datasetView(b)];
    expect(Buffer.from(da.images.read(0, n)).equals(Buffer.from(db.images.read(0, n)))).toBe(true);
    expect(Array.from(da.labels!)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(da.meta).toMatchObject({
      name: 'grey-gaussian-noise-2',
      classes: ['a', 'b', 'c'],
      view: { resize: [64, 64] },
    });
    // sample 3's noise depends on its index only: a run that starts at sample 3 draws the same
    const tail = datasetArtifact({
      images: new Uint8Array(3 * 32 * 32 * 3).fill(128),
      imageShape: [32, 32, 3],
      meta: { name: 'grey' },
    });
    const shifted = datasetView(
      await gaussianNoisePlugin.run({ data: tail }, { severity: 2 }, standaloneContext({ seed: 4, firstSample: 3 })),
    );
    expect(Buffer.from(shifted.images.read(0, 3)).equals(Buffer.from(da.images.read(3, 6)))).toBe(true);
  });

  it('streams a dataset beyond partBytes through files, and blurs as zoomBlur does', async () => {
    const rng = new SeededRng(2);
    const images = Uint8Array.from({ length: n * 32 * 32 * 3 }, () => rng.int(256));
    const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-corrupt-'));
    try {
      const out = await zoomBlurPlugin.run(
        { data: datasetArtifact({ images, imageShape: [32, 32, 3], meta: { name: 'noise' } }) },
        { severity: 1 },
        standaloneContext({ scratchDir, partBytes: 2 * 32 * 32 * 3 }),
      );
      expect(out.files!.images.parts.map((p) => p.rows)).toEqual([2, 2, 2]);
      const expected = new Uint8Array(32 * 32 * 3);
      zoomBlur(images.subarray(4 * expected.length, 5 * expected.length), [32, 32, 3], 1, expected, 0);
      expect(Buffer.from(datasetView(out).images.read(4, 5)).equals(Buffer.from(expected))).toBe(true);
    } finally {
      fs.rmSync(scratchDir, { recursive: true, force: true });
    }
  });
});
