import { expandMatrix } from './expand-matrix';
import { PipelineFile } from './pipeline-file';

const file = (nodes: PipelineFile['nodes'], matrix?: PipelineFile['matrix']): PipelineFile => ({
  name: 't',
  seed: 0,
  matrix,
  nodes,
});

describe('expandMatrix', () => {
  it('expands templated ids over the cartesian product of the keys they use', () => {
    const { nodes, problems } = expandMatrix(
      file(
        { 'p-{pre}-{fov}': { kind: 'probe', plugin: 'linear', params: { target: '{fov}', tag: '{pre}/{fov}' } } },
        { pre: ['random', 'adversarial'], fov: ['scale', 'posX', 'posY'] },
      ),
    );
    expect(problems).toEqual([]);
    expect(nodes.map((n) => n.id)).toEqual([
      'p-random-scale',
      'p-random-posX',
      'p-random-posY',
      'p-adversarial-scale',
      'p-adversarial-posX',
      'p-adversarial-posY',
    ]);
    expect(nodes[4].params).toEqual({ target: 'posX', tag: 'adversarial/posX' });
    expect(nodes[4].bindings).toEqual({ pre: 'adversarial', fov: 'posX' });
  });

  it('keeps non-string values when a param is exactly one template', () => {
    const { nodes } = expandMatrix(
      file(
        { 'a-{eps}': { kind: 'attack', plugin: 'pgd', params: { eps: '{eps}', label: 'eps={eps}' } } },
        { eps: [0.5, 1] },
      ),
    );
    expect(nodes.map((n) => n.params)).toEqual([
      { eps: 0.5, label: 'eps=0.5' },
      { eps: 1, label: 'eps=1' },
    ]);
  });

  it('binds inputs to the same values and gathers over keys the node does not bind', () => {
    const { nodes } = expandMatrix(
      file(
        {
          'net-{pre}': { kind: 'pretrain', plugin: 'r' },
          'enc-{pre}': { kind: 'encode', plugin: 'e', inputs: { model: 'net-{pre}' } },
          table: { kind: 'table', plugin: 't', inputs: { rows: 'enc-{pre}', extra: ['net-random', 'enc-{pre}'] } },
        },
        { pre: ['random', 'standard'] },
      ),
    );
    const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
    expect(byId['enc-standard'].inputs).toEqual({ model: 'net-standard' });
    expect(byId.table.inputs).toEqual({
      rows: ['enc-random', 'enc-standard'],
      extra: ['net-random', 'enc-random', 'enc-standard'],
    });
  });

  it('supports per-node foreach keys', () => {
    const { nodes, problems } = expandMatrix(
      file({ 'a-{eps}': { kind: 'attack', plugin: 'pgd', foreach: { eps: [1, 2, 4] }, params: { eps: '{eps}' } } }),
    );
    expect(problems).toEqual([]);
    expect(nodes.map((n) => n.params.eps)).toEqual([1, 2, 4]);
  });

  it('reports undefined keys, unused keys, params keys the id does not bind, and duplicate ids', () => {
    const { problems } = expandMatrix(
      file(
        {
          'a-{nope}': { kind: 'load', plugin: 'x' },
          b: { kind: 'load', plugin: 'x', params: { m: '{pre}' }, inputs: { d: 'c-{missing}' } },
          'c-{pre}': { kind: 'load', plugin: 'x' },
          'c-random': { kind: 'load', plugin: 'x' },
        },
        { pre: ['random'], unused: [1] },
      ),
    );
    expect(problems).toEqual([
      { path: ['nodes', 'a-{nope}'], message: expect.stringContaining('undefined matrix key {nope}') },
      { path: ['nodes', 'b', 'params'], message: expect.stringContaining('does not bind it; add {pre} to the id') },
      { path: ['nodes', 'b', 'inputs', 'd'], message: expect.stringContaining('undefined matrix key {missing}') },
      { path: ['nodes', 'c-random'], message: expect.stringContaining('which "c-{pre}" also produces') },
      { path: ['matrix', 'unused'], message: expect.stringContaining('"unused" is never used') },
    ]);
  });
});
