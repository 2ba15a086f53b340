/** What `rtlab new plugin` writes for one kind: the plugin's source, its test, and a pipeline using it. */
export interface PluginTemplate {
  source(name: string, identifier: string): string;
  test(name: string, identifier: string): string;
  pipeline(name: string): object;
}

/** A score plugin: a Dataset in, one Scores row out (its images' mean pixel value). */
const score: PluginTemplate = {
  source: (
    name,
    id,
  ) => `import { Artifact, datasetView, imageBatch, Plugin, scoreMeta, scoresArtifact } from '@rtlab/sdk';

export interface ${pascal(id)}Params {
  batchSize: number;
}

/** score/${name}: the mean pixel value of a dataset's images, in [0, 1]. Replace run() with your score. */
export const ${id}: Plugin<${pascal(id)}Params> = {
  kind: 'score',
  name: '${name}',
  version: '0.1.0', // part of every cache key: bump it whenever the output changes
  description: "The mean pixel value of a dataset's images, in [0, 1].",
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { batchSize: { type: 'integer', minimum: 1, default: 64, description: 'Images read at once.' } },
  },
  inputs: { data: { type: 'Dataset', description: 'the images' } },
  output: 'Scores',
  async run(inputs, p, ctx) {
    const data = datasetView(inputs.data as Artifact);
    let [sum, values] = [0, 0];
    for (let start = 0; start < data.count; start += p.batchSize) {
      const batch = imageBatch(data, start, Math.min(data.count, start + p.batchSize));
      for (const v of batch) sum += v;
      values += batch.length;
      ctx.progress(Math.min(data.count, start + p.batchSize), data.count);
    }
    const labels = { of: 'images', stat: 'mean pixel' };
    return scoresArtifact([{ ...labels, value: sum / values, n: data.count }], {}, scoreMeta(labels, ['n']));
  },
};
`,
  test: (name, id) => `import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { datasetArtifact, scoreRows, standaloneContext } from '@rtlab/sdk';
import { ${id} } from './${name}';

test('${name}: the mean of pixels 0, 51, 102 and 255 is 102 / 255', async () => {
  const data = datasetArtifact({
    images: Uint8Array.from([0, 51, 102, 255]),
    imageShape: [2, 2, 1],
    meta: { name: 'four pixels' },
  });
  const [row] = scoreRows(await ${id}.run({ data }, { batchSize: 64 }, standaloneContext({ seed: 1 })));
  assert.ok(Math.abs((row.value as number) - 102 / 255) < 1e-6, \`got \${row.value}\`);
  assert.equal(row.n, 1);
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
