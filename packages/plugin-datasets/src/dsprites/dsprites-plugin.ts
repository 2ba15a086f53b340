import { Artifact, datasetArtifact, Plugin, PluginContext, RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImageSink } from '../formats/image-sink';
import { NpyHeader, readElement } from '../formats/npy';
import { readNpzRows, readNpzShape } from '../formats/npz-rows';
import { FACTORS, factorClasses, factorValues, IMAGE_SIZE, scaledTargets, SHAPES } from './dsprites-factors';
import { sampleCombinations, Split } from './dsprites-sample';
import { renderSprite } from './render-sprite';

export interface DspritesParams {
  source: 'procedural' | 'npz';
  file: string;
  split: Split;
  count: number;
  testFraction: number;
  splitSeed: number;
}

const NPZ_NAME = 'dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz';

const meta = { name: 'dsprites', factors: [...FACTORS], classes: [...SHAPES] };

function withTargets(
  indices: Int32Array,
  classesOf: (row: number) => number[],
): { targets: Float32Array; labels: Int32Array } {
  const targets = new Float32Array(indices.length * FACTORS.length);
  const labels = new Int32Array(indices.length);
  indices.forEach((_, row) => {
    const classes = classesOf(row);
    targets.set(scaledTargets(classes), row * FACTORS.length);
    labels[row] = classes[0];
  });
  return { targets, labels };
}

function procedural(indices: Int32Array, ctx: PluginContext): Artifact {
  const sink = new ImageSink(ctx, indices.length, [IMAGE_SIZE, IMAGE_SIZE, 1]);
  try {
    indices.forEach((index, row) => {
      renderSprite(factorValues(factorClasses(index)), sink.out, sink.offset(row));
      sink.written();
      if (row % 2000 === 0) ctx.progress(row, indices.length, 'rendering');
    });
  } finally {
    sink.close();
  }
  return datasetArtifact({
    images: sink.finish(),
    imageShape: [IMAGE_SIZE, IMAGE_SIZE, 1],
    ...withTargets(indices, (row) => factorClasses(indices[row])),
    meta,
  });
}

/** Rows of the official file are combinations in grid order; a smaller file is sampled over its own rows. */
async function fromNpz(file: string, p: DspritesParams, ctx: PluginContext): Promise<Artifact> {
  if (!fs.existsSync(file)) {
    throw new RtlabError(
      'input',
      `dsprites: ${file} not found. Download ${NPZ_NAME} from https://github.com/google-deepmind/dsprites-dataset and put it there (or set params.file), or use "source": "procedural"`,
    );
  }
  ctx.progress(0, 1, 'reading npz');
  const [rows] = await readNpzShape(file, 'imgs', ctx.signal);
  const indices = sampleCombinations(p.count, p.split, p.splitSeed, p.testFraction, ctx.rng, rows);
  const sink = new ImageSink(ctx, indices.length, [IMAGE_SIZE, IMAGE_SIZE, 1]);
  try {
    // each sprite goes to the sink as it is inflated: memory holds one image however many are asked for
    const image = (position: number, bytes: Uint8Array, header: NpyHeader) => {
      if (header.shape.join() !== `${header.shape[0]},${IMAGE_SIZE},${IMAGE_SIZE}`)
        throw new RtlabError('input', `${file}: expected imgs [N,64,64], got [${header.shape}]`);
      const at = sink.offset(position);
      for (let i = 0; i < IMAGE_SIZE * IMAGE_SIZE; i++) sink.out[at + i] = readElement(header, bytes, i) ? 255 : 0;
      sink.written();
      if (position % 2000 === 0) ctx.progress(position, indices.length, 'reading sprites');
    };
    const { latents_classes: latents } = await readNpzRows(file, ['imgs', 'latents_classes'], indices, ctx.signal, {
      imgs: image,
    });
    if (latents.header.shape.join() !== `${rows},6`)
      throw new RtlabError('input', `${file}: expected latents_classes [${rows},6], got [${latents.header.shape}]`);
    const classesOf = (row: number) =>
      [1, 2, 3, 4, 5].map((c) => readElement(latents.header, latents.rows, row * 6 + c));
    return datasetArtifact({
      images: sink.finish(),
      imageShape: [IMAGE_SIZE, IMAGE_SIZE, 1],
      ...withTargets(indices, classesOf),
      meta: { ...meta, source: path.basename(file) },
    });
  } finally {
    sink.close();
  }
}

/** `load/dsprites`: the dSprites factors, rendered procedurally (no download) or read from the official .npz. */
export const dspritesPlugin: Plugin<DspritesParams> = {
  kind: 'load',
  name: 'dsprites',
  version: '1.0.0',
  description:
    'dSprites (shape, scale, orientation, posX, posY): 64x64 binary sprites, procedural or from the official .npz; targets min-max scaled to [0, 1], labels = shape.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      source: {
        enum: ['procedural', 'npz'],
        default: 'procedural',
        description: 'Render sprites (no download) or read the official .npz.',
      },
      file: {
        type: 'string',
        default: `dsprites/${NPZ_NAME}`,
        description: 'The .npz, relative to the data root (source "npz" only).',
      },
      split: {
        enum: ['train', 'test', 'all'],
        default: 'train',
        description: 'Which part of the factor grid to sample from.',
      },
      count: { type: 'integer', minimum: 1, default: 10000, description: 'Number of distinct samples.' },
      testFraction: {
        type: 'number',
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        default: 0.2,
        description: 'Share of factor combinations held out as test.',
      },
      splitSeed: {
        type: 'integer',
        minimum: 0,
        default: 0,
        description: 'Seed of the train/test assignment (independent of the node seed, so splits never overlap).',
      },
    },
  },
  inputs: {},
  output: 'Dataset',
  reads: (p) => (p.source === 'npz' ? [{ root: 'data', path: p.file }] : []),
  async run(_inputs, p, ctx) {
    if (p.source === 'npz') return fromNpz(path.resolve(ctx.dataRoot, p.file), p, ctx);
    return procedural(sampleCombinations(p.count, p.split, p.splitSeed, p.testFraction, ctx.rng), ctx);
  },
};
