import * as fs from 'node:fs';
import * as path from 'node:path';
import { Plugin } from '@rtlab/sdk';
import { shardKey } from '../../cache/cache-key';
import { FileHashes } from '../../cache/file-hashes';
import { keyDescription } from '../../cache/node-keys';
import { cacheKey } from '../../cache/cache-key';
import { PluginRegistry } from '../../plugins/plugin-registry';
import { tempDir } from '../../test-support/temp-dir';
import { QueueJobData } from './queue-job';
import { verifyJob } from './verify-job';
import { WorkerRoots } from './worker-roots';

// A queue worker checks each job as anyone with access to Redis could have written it.
const reader: Plugin<{ dir: string; count: number }> = {
  kind: 'load',
  name: 'reader',
  version: '1.2.0',
  description: 'reads a folder',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['dir'],
    properties: {
      dir: { type: 'string', description: 'the folder' },
      count: { type: 'integer', minimum: 1, default: 4, description: 'how many' },
    },
  },
  inputs: {},
  output: 'Dataset',
  reads: (p) => [{ root: 'data', path: p.dir }],
  shards: { port: 'data', unit: () => 1, merge: (parts) => parts[0] },
  run: async () => ({ type: 'Dataset', meta: {}, tensors: {} }),
};
const registry = new PluginRegistry([reader]);
const check = (p: Plugin, params: Record<string, unknown>) => registry.checkParams(p, params);

/** A job as an honest coordinator with these roots pushes it (run-pipeline.ts describes nodes the same way). */
function honestJob(
  roots: WorkerRoots,
  hashes: FileHashes,
  params: Record<string, unknown>,
  plugin: Plugin = reader,
): QueueJobData {
  const { key, canonical } = cacheKey(
    keyDescription(
      {
        kind: 'load',
        plugin,
        params: registry.checkParams(reader, params).params,
        seed: 7,
        inputs: {},
        inputNodes: {},
      },
      roots,
      hashes,
    ),
  );
  return {
    kind: 'load',
    plugin: 'reader',
    params: params as QueueJobData['params'],
    seed: 7,
    nodeId: 'train',
    key,
    outputKey: key,
    inputKeys: {},
    dataRoot: roots.dataRoot,
    modelRoot: roots.modelRoot,
    producer: { node: 'train', plugin: 'load/reader', version: plugin.version, canonical },
    coordinator: 'c',
  };
}

describe('verifyJob: a worker computes the key itself and refuses a job whose key is not it', () => {
  const base = tempDir();
  const roots: WorkerRoots = { dataRoot: path.join(base, 'data'), modelRoot: path.join(base, 'models'), allowed: [] };
  const hashes = new FileHashes(path.join(base, 'cache'));
  beforeAll(() => {
    fs.mkdirSync(path.join(roots.dataRoot, 'set'), { recursive: true });
    fs.writeFileSync(path.join(roots.dataRoot, 'set/a.bin'), "the worker's bytes");
    fs.mkdirSync(path.join(base, 'outside'));
    fs.writeFileSync(path.join(base, 'outside/secret.bin'), 'not for jobs');
  });

  it("passes an honest job, completing its params with the schema's defaults, and describes its producer itself", async () => {
    const job = honestJob(roots, hashes, { dir: 'set' });
    const verified = await verifyJob(job, reader, check, roots, hashes);
    expect(verified.params).toEqual({ dir: 'set', count: 4 });
    expect(verified.producer).toEqual({
      node: 'train',
      plugin: 'load/reader',
      version: '1.2.0',
      canonical: job.producer.canonical,
    });
  });

  it("refuses another node's key as its output key, however it asks (replace)", async () => {
    const victim = honestJob(roots, hashes, { dir: 'set', count: 9 });
    const job = { ...honestJob(roots, hashes, { dir: 'set' }), outputKey: victim.key, replace: true };
    await expect(verifyJob(job, reader, check, roots, hashes)).rejects.toThrow(
      /refused: its output key [0-9a-f]{12} is not its node's key/,
    );
  });

  it("refuses params its plugin's schema refuses, naming each", async () => {
    const job = { ...honestJob(roots, hashes, { dir: 'set' }), params: { dir: 'set', count: -7, extra: 1 } };
    await expect(verifyJob(job, reader, check, roots, hashes)).rejects.toThrow(
      /refused: its params are refused by load\/reader@1\.2\.0's schema: /,
    );
    await expect(verifyJob(job, reader, check, roots, hashes)).rejects.toThrow(/params\.count: must be >= 1, got -7/);
    await expect(verifyJob(job, reader, check, roots, hashes)).rejects.toThrow(
      /params\.extra: unknown parameter "extra"/,
    );
  });

  it('refuses a job made with another version of the plugin, naming both', async () => {
    const job = honestJob(roots, hashes, { dir: 'set' }, { ...reader, version: '1.1.0' });
    await expect(verifyJob(job, reader, check, roots, hashes)).rejects.toThrow(
      /its key is not the key of its node as this worker describes it: plugin version 1\.1\.0 in the job, 1\.2\.0 on this worker$/,
    );
  });

  it('refuses a job whose data has other bytes on this worker, naming the file', async () => {
    const coordinator: WorkerRoots = { ...roots, dataRoot: path.join(base, 'coordinator-data') };
    fs.mkdirSync(path.join(coordinator.dataRoot, 'set'), { recursive: true });
    fs.writeFileSync(path.join(coordinator.dataRoot, 'set/a.bin'), "the coordinator's bytes");
    const job = honestJob(coordinator, hashes, { dir: 'set' });
    await expect(verifyJob(job, reader, check, roots, hashes)).rejects.toThrow(
      /: data file "set" differs on this worker \(fingerprint [0-9a-f]{16} in the job, [0-9a-f]{16} here\)$/,
    );
  });

  it('refuses a key that is not the hash of the description it carries', async () => {
    const job = honestJob(roots, hashes, { dir: 'set' });
    const forged = { ...job, key: 'ab'.repeat(32), outputKey: 'ab'.repeat(32) };
    await expect(verifyJob(forged, reader, check, roots, hashes)).rejects.toThrow(
      /its key is not the hash of the description it carries$/,
    );
  });

  it.each([
    ['beside the data root', () => '../outside'],
    ['given as an absolute path', () => path.join(base, 'outside')],
  ])('refuses a path %s, whatever its key', async (_what, dirOf) => {
    const dir = dirOf();
    const job = honestJob({ ...roots, dataRoot: base }, hashes, { dir });
    await expect(verifyJob(job, reader, check, roots, hashes)).rejects.toThrow(
      new RegExp(`train reads "${dir.replace(/[./]/g, '\\$&')}" .*, outside this worker's data root ${roots.dataRoot}`),
    );
  });

  it('refuses a folder under the root that links to a file outside it, and passes it once that folder is allowed (--allow-dir)', async () => {
    fs.mkdirSync(path.join(roots.dataRoot, 'linked'));
    fs.symlinkSync(path.join(base, 'outside/secret.bin'), path.join(roots.dataRoot, 'linked/a.bin'));
    const job = honestJob(roots, hashes, { dir: 'linked' });
    await expect(verifyJob(job, reader, check, roots, hashes)).rejects.toThrow(
      /linked\/a\.bin \(a link to .*outside\/secret\.bin\), inside "linked", outside this worker's data root/,
    );
    expect(
      (await verifyJob(job, reader, check, { ...roots, allowed: [path.join(base, 'outside')] }, hashes)).params.dir,
    ).toBe('linked');
  });

  it("passes a shard whose output key is its shard's key, and refuses one of another port or range", async () => {
    const job = honestJob(roots, hashes, { dir: 'set' });
    const shard = { ...job, shard: { port: 'data', start: 0, end: 2 }, outputKey: shardKey(job.key, 0, 2) };
    expect((await verifyJob(shard, reader, check, roots, hashes)).params.dir).toBe('set');
    await expect(
      verifyJob({ ...shard, shard: { port: 'model', start: 0, end: 2 } }, reader, check, roots, hashes),
    ).rejects.toThrow(/it is a shard of port "model", but load\/reader splits "data"/);
    await expect(
      verifyJob({ ...shard, shard: { port: 'data', start: 0, end: 3 } }, reader, check, roots, hashes),
    ).rejects.toThrow(/is not the key of its shard \[0, 3\)/);
  });

  it('refuses malformed fields before any of them becomes a path', async () => {
    const job = honestJob(roots, hashes, { dir: 'set' });
    await expect(verifyJob({ ...job, outputKey: '../../victim' }, reader, check, roots, hashes)).rejects.toThrow(
      /refused: malformed outputKey$/,
    );
    await expect(verifyJob({ ...job, inputKeys: { data: '../x' } }, reader, check, roots, hashes)).rejects.toThrow(
      /malformed inputKeys/,
    );
    await expect(verifyJob({ ...job, seed: 0.5 }, reader, check, roots, hashes)).rejects.toThrow(/malformed seed/);
    await expect(verifyJob({ ...job, nodeId: 'x\u001b[2J' }, reader, check, roots, hashes)).rejects.toThrow(
      /refused: malformed nodeId$/,
    );
    await expect(verifyJob({ ...job, plugin: '../reader' }, reader, check, roots, hashes)).rejects.toThrow(
      /refused: malformed plugin$/,
    );
    await expect(verifyJob({ ...job, partBytes: -1 }, reader, check, roots, hashes)).rejects.toThrow(
      /refused: malformed partBytes$/,
    );
  });

  it('refuses port names that are no plain names, or that name what every object has (Redis data is JSON-parsed)', async () => {
    const job = honestJob(roots, hashes, { dir: 'set' });
    const key = 'cd'.repeat(32);
    await expect(
      verifyJob({ ...job, inputKeys: JSON.parse(`{"__proto__": "${key}"}`) }, reader, check, roots, hashes),
    ).rejects.toThrow(/refused: malformed inputKeys$/);
    await expect(verifyJob({ ...job, inputKeys: { toString: key } }, reader, check, roots, hashes)).rejects.toThrow(
      /it feeds port "toString", which load\/reader does not have/,
    );
    await expect(verifyJob({ ...job, dataRoot: '/data\u001b[31m' }, reader, check, roots, hashes)).rejects.toThrow(
      /refused: malformed roots$/,
    );
  });

  it('refuses inputs on ports the plugin does not have, a list where it takes one, and a port left without input', async () => {
    const scale: Plugin = {
      ...reader,
      kind: 'score',
      name: 'scale',
      reads: undefined,
      shards: undefined,
      params: { type: 'object' },
      inputs: { x: { type: 'Scores', description: 'x' } },
      output: 'Scores',
    };
    const job = { ...honestJob(roots, hashes, { dir: 'set' }), kind: 'score', plugin: 'scale' };
    const key = 'cd'.repeat(32);
    await expect(verifyJob({ ...job, inputKeys: { x: key, y: key } }, scale, check, roots, hashes)).rejects.toThrow(
      /it feeds port "y", which score\/scale does not have/,
    );
    await expect(verifyJob({ ...job, inputKeys: { x: [key] } }, scale, check, roots, hashes)).rejects.toThrow(
      /port "x" takes one artifact/,
    );
    await expect(verifyJob({ ...job, inputKeys: {} }, scale, check, roots, hashes)).rejects.toThrow(
      /port\(s\) x of score\/scale get no input/,
    );
  });
});
