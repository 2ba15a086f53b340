/** What `rtlab new plugin` writes for one kind: the plugin's source, its test, and a pipeline using it. */
export interface PluginTemplate {
  source(name: string, identifier: string): string;
  test(name: string, identifier: string): string;
  pipeline(name: string): object;
}

/** A score plugin: a Dataset in, one Scores row out (the share of its pixels at or above a threshold). */
const score: PluginTemplate = {
  source: (
    name,
    id,
  ) => `import { Artifact, datasetView, imageBatch, Plugin, scoreMeta, scoresArtifact } from '@rtlab/sdk';

export interface ${pascal(id)}Params {
  threshold: number;
  batchSize: number;
}

/** score/${name}: the share of a dataset's pixel values at or above a threshold. Replace run() with your score. */
export const ${id}: Plugin<${pascal(id)}Params> = {
  kind: 'score',
  name: '${name}',
  version: '0.1.0', // part of every cache key: bump it whenever the output changes
  description: "The share of a dataset's pixel values (in [0, 1]) at or above a threshold.",
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      threshold: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'Pixel values from here count.' },
      batchSize: { type: 'integer', minimum: 1, default: 64, description: 'Images read at once.' },
    },
  },
  inputs: { data: { type: 'Dataset', description: 'the images' } },
  output: 'Scores',
  async run(inputs, p, ctx) {
    const data = datasetView(inputs.data as Artifact);
    let [lit, values] = [0, 0];
    for (let start = 0; start < data.count; start += p.batchSize) {
      const end = Math.min(data.count, start + p.batchSize);
      for (const v of imageBatch(data, start, end)) if (v >= p.threshold) lit++;
      values += (end - start) * data.imageShape.reduce((a, b) => a * b, 1);
      ctx.progress(end, data.count);
    }
    const labels = { of: 'images', stat: 'lit share' };
    return scoresArtifact([{ ...labels, value: lit / values, n: data.count }], {}, scoreMeta(labels, ['n']));
  },
};
`,
  test: (name, id) => `import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { datasetArtifact, scoreRows, standaloneContext } from '@rtlab/sdk';
import { ${id} } from './${name}';

test('${name}: of the pixels 0, 51, 102 and 255, one is at or above 0.5, three at or above 0.2', async () => {
  const data = datasetArtifact({ images: Uint8Array.from([0, 51, 102, 255]), imageShape: [2, 2, 1], meta: { name: 'four pixels' } });
  const share = async (threshold: number) =>
    scoreRows(await ${id}.run({ data }, { threshold, batchSize: 64 }, standaloneContext({ seed: 1 })))[0].value;
  assert.equal(await share(0.5), 1 / 4);
  assert.equal(await share(0.2), 3 / 4);
});
`,
  pipeline: (name) => ({
    name: `try-${name}`,
    seed: 0,
    nodes: {
      data: { kind: 'load', plugin: 'dsprites', params: { split: 'test', count: 32 } },
      [name]: { kind: 'score', plugin: name, inputs: { data: 'data' } },
      table: {
        kind: 'table',
        plugin: 'pivot',
        inputs: { scores: [name] },
        params: { rows: ['of'], column: 'stat', values: [{ name, field: 'value' }] },
      },
    },
  }),
};

export const TEMPLATES: Record<string, PluginTemplate> = { score };

/** my-score -> MyScore. */
function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}
