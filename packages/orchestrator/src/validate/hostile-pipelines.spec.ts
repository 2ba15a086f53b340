import { toyRegistry } from '../test-support/toy-registry';
import { MAX_DEPTH } from '../pipeline/json-source';
import { MAX_NODES } from '../pipeline/expand-matrix';
import { parseOverride } from '../pipeline/param-overrides';
import { formatProblem } from './problem';
import { validatePipelineText } from './validate-pipeline';

// Pipelines written to break things: each must be a clear problem with a pointer, never a crash,
// a hang or a side effect.
const registry = toyRegistry();
const validate = (value: unknown, overrides: string[] = []) =>
  validatePipelineText(
    'p.json',
    typeof value === 'string' ? value : JSON.stringify(value, null, 2),
    registry,
    overrides.map(parseOverride),
  );
const messages = (value: unknown) => validate(value).problems.map(formatProblem);
const load = { kind: 'load', plugin: 'range' };

describe('hostile pipelines', () => {
  it.each([
    ['a path out of runs/', '../../../../escaped'],
    ['a separator', 'a/b'],
    ['a backslash', 'a\\b'],
    ['a NUL', 'a\u0000b'],
    ['a leading dot', '.hidden'],
    ['a space', 'a b'],
    ['300 characters', 'x'.repeat(300)],
  ])('rejects a node id with %s', (_what, id) => {
    const out = messages({ name: 'x', seed: 0, nodes: { [id]: load } });
    expect(out).toEqual([expect.stringMatching(/#\/nodes\/.*: node id ".*" is not a plain name: use letters, digits/)]);
  });

  it('rejects an id made unsafe by a matrix value, naming the value', () => {
    const out = messages({ name: 'x', seed: 0, matrix: { d: ['ok', '../up'] }, nodes: { 'n-{d}': load } });
    expect(out).toEqual([
      expect.stringMatching(
        /#\/nodes\/n-\{d\}: node id "n-\.\.\/up" is not a plain name.*\(matrix values \{\\"d\\":\\"\.\.\/up\\"\}\)/,
      ),
    ]);
  });

  it('refuses a matrix that expands past the node limit without expanding it', () => {
    const values = Array.from({ length: 20 }, (_, i) => i);
    const started = Date.now();
    const out = messages({
      name: 'x',
      seed: 0,
      matrix: { a: values, b: values, c: values, d: values, e: values },
      nodes: { 'n-{a}-{b}-{c}-{d}-{e}': load },
    });
    expect(out).toEqual([
      expect.stringMatching(new RegExp(`#/nodes/n-.*: node id expands to 3200000 nodes \\(more than ${MAX_NODES}\\)`)),
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('treats {constructor} and {__proto__} as undefined matrix keys', () => {
    expect(messages({ name: 'x', seed: 0, nodes: { 'n-{constructor}': load } })).toEqual([
      expect.stringMatching(/node id uses undefined matrix key \{constructor\}/),
    ]);
    expect(
      messages({
        name: 'x',
        seed: 0,
        matrix: { f: [1] },
        nodes: { 'n-{f}': { ...load, params: { count: '{toString}' } } },
      }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/params use undefined matrix key \{toString\}/)]));
  });

  it(`refuses params nested deeper than ${MAX_DEPTH} levels before parsing them`, () => {
    const deep = `{"name": "x", "seed": 0, "nodes": {"n": {"kind": "load", "plugin": "range", "params": {"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}}}`;
    expect(messages(deep)).toEqual([
      expect.stringMatching(new RegExp(`^p\\.json:1:\\d+ #: nested deeper than ${MAX_DEPTH} levels`)),
    ]);
    expect(
      messages(
        '{"name": "x", "seed": 0, "nodes": {"n": {"kind": "load", "plugin": "range", "params": {"s": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}}}}',
      ),
    ).toEqual([expect.stringMatching(/params\/s: unknown parameter "s"/)]);
  });

  it('refuses --set paths through __proto__, constructor or prototype, and pollutes nothing', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(() => parseOverride(`n.${key}.count=5`)).toThrow(new RegExp(`"${key}" is not a parameter name`));
    }
    expect(() => parseOverride('n..count=5')).toThrow(/"" is not a parameter name/);
    expect(({} as Record<string, unknown>).count).toBeUndefined();
    expect(
      validate({ name: 'x', seed: 0, nodes: { n: load } }, ['n.count.deeper=1']).problems.map(formatProblem),
    ).toEqual([expect.stringMatching(/#\/nodes\/n\/params\/count: must be integer, got \{"deeper":1\}/)]);
  });

  it('reports a port named constructor as unknown', () => {
    const out = messages({
      name: 'x',
      seed: 0,
      nodes: { n: load, s: { kind: 'score', plugin: 'scale', inputs: { x: 'n', constructor: 'n' } } },
    });
    expect(out).toEqual([
      expect.stringMatching(/#\/nodes\/s\/inputs\/constructor: plugin score\/scale has no input port "constructor"/),
    ]);
  });

  it('gives a list port that names one node a list of one', () => {
    const { pipeline, problems } = validate({
      name: 'x',
      seed: 0,
      nodes: { n: load, s: { kind: 'score', plugin: 'sum', inputs: { parts: 'n' } } },
    });
    expect(problems).toEqual([]);
    expect(pipeline!.nodes.find((n) => n.id === 's')!.inputs).toEqual({ parts: ['n'] });
  });
});
