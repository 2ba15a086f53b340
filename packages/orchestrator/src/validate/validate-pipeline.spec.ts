import { toyRegistry } from '../test-support/toy-registry';
import { formatProblem } from './problem';
import { validatePipelineText } from './validate-pipeline';

const registry = toyRegistry();
const validate = (value: unknown) =>
  validatePipelineText('p.json', typeof value === 'string' ? value : JSON.stringify(value, null, 2), registry);
const messages = (value: unknown) => validate(value).problems.map(formatProblem);

const good = {
  name: 'toy',
  seed: 1,
  matrix: { f: [2, 3] },
  nodes: {
    numbers: { kind: 'load', plugin: 'range', params: { count: 3 } },
    'scaled-{f}': { kind: 'score', plugin: 'scale', inputs: { x: 'numbers' }, params: { factor: '{f}' } },
    total: { kind: 'score', plugin: 'sum', inputs: { parts: 'scaled-{f}' } },
    table: { kind: 'table', plugin: 'toy-table', inputs: { rows: 'total' } },
  },
};

describe('validatePipelineText', () => {
  it('resolves a valid pipeline in producer-first order with defaults applied', () => {
    const { pipeline, problems } = validate(good);
    expect(problems).toEqual([]);
    expect(pipeline!.nodes.map((n) => n.id)).toEqual(['numbers', 'scaled-2', 'scaled-3', 'total', 'table']);
    expect(pipeline!.nodes[0].params).toEqual({ count: 3, start: 0, delayMs: 0 });
    expect(pipeline!.nodes[2].params).toEqual({ factor: 3 });
  });

  it('reports malformed JSON with line and column', () => {
    const problems = validate('{\n  "name": "x",\n  "seed": 0,\n  "nodes": { "a": } \n}').problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(formatProblem(problems[0])).toMatch(/^p\.json:4:\d+ #: malformed JSON: value expected/);
    expect(formatProblem(validate('{"a": 1,}').problems[0])).toMatch(/^p\.json:1:\d+ #: malformed JSON/);
  });

  it('reports structural problems with their pointers', () => {
    expect(messages({ name: 'x', nodes: { a: { kind: 'load' } } })).toEqual([
      'p.json:1:1 #: missing required parameter "seed"',
      expect.stringMatching(/^p\.json:\d+:\d+ #\/nodes\/a: missing required parameter "plugin"/),
    ]);
  });

  it('suggests the nearest kind and plugin, and says when a plugin is of another kind', () => {
    const out = messages({
      name: 'x',
      seed: 0,
      nodes: {
        a: { kind: 'lod', plugin: 'range' },
        b: { kind: 'load', plugin: 'rnge' },
        c: { kind: 'load', plugin: 'scale' },
      },
    });
    expect(out).toEqual([
      expect.stringMatching(/#\/nodes\/a\/kind: unknown kind "lod" \(did you mean "load"\?\)/),
      expect.stringMatching(/#\/nodes\/b\/plugin: unknown load plugin "rnge" \(did you mean "range"\?\)/),
      expect.stringMatching(/#\/nodes\/c\/plugin: unknown load plugin "scale" \(plugin "scale" is of kind "score"\)/),
    ]);
  });

  it('checks params against the plugin schema, naming the value found and the matrix binding', () => {
    const bad = structuredClone(good) as typeof good;
    bad.matrix.f = [2, -1];
    (bad.nodes.numbers.params as Record<string, unknown>) = { count: 0, colour: 'red' };
    const out = messages(bad);
    expect(out).toContainEqual(
      expect.stringMatching(/p\.json:\d+:\d+ #\/nodes\/numbers\/params\/count: must be >= 1, got 0$/),
    );
    expect(out).toContainEqual(
      expect.stringMatching(
        /#\/nodes\/numbers\/params\/colour: unknown parameter "colour"; allowed: count, start, delayMs/,
      ),
    );
    expect(out).toContainEqual(
      expect.stringMatching(/#\/nodes\/scaled-\{f\}\/params\/factor: must be > 0, got -1 \(in scaled--1: f=-1\)/),
    );
  });

  it('reports unknown, missing and dangling ports and mismatched artifact types', () => {
    const out = messages({
      name: 'x',
      seed: 0,
      nodes: {
        n: { kind: 'load', plugin: 'range' },
        s: { kind: 'score', plugin: 'scale', inputs: { xx: 'n' } },
        d: { kind: 'score', plugin: 'scale', inputs: { x: 'nmbers' } },
        t: { kind: 'table', plugin: 'toy-table', inputs: { rows: 'tt' } },
        tt: { kind: 'table', plugin: 'toy-table', inputs: { rows: 'n' } },
        u: { kind: 'score', plugin: 'scale', inputs: { x: ['n', 'n'] } },
      },
    });
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /#\/nodes\/s\/inputs\/xx: plugin score\/scale has no input port "xx" \(did you mean "x"\?\)/,
        ),
        expect.stringMatching(/#\/nodes\/s\/inputs: missing input port "x" \(Scores: values to scale\)/),
        expect.stringMatching(/#\/nodes\/d\/inputs\/x: input names node "nmbers", which does not exist/),
        expect.stringMatching(
          /#\/nodes\/t\/inputs\/rows: port "rows" expects Scores, but "tt" \(table\/toy-table\) produces Table/,
        ),
        expect.stringMatching(
          /#\/nodes\/u\/inputs\/x: port "x" takes one Scores, but the reference expands to 2 nodes/,
        ),
      ]),
    );
    expect(out).toHaveLength(5);
  });

  it('prints cycles', () => {
    const out = messages({
      name: 'x',
      seed: 0,
      nodes: {
        a: { kind: 'score', plugin: 'scale', inputs: { x: 'c' } },
        b: { kind: 'score', plugin: 'scale', inputs: { x: 'a' } },
        c: { kind: 'score', plugin: 'scale', inputs: { x: 'b' } },
      },
    });
    expect(out).toEqual([expect.stringMatching(/#\/nodes\/a\/inputs: cycle: a -> c -> b -> a/)]);
  });

  it('reports unused and undefined matrix keys', () => {
    const out = messages({
      name: 'x',
      seed: 0,
      matrix: { f: [1], g: [2] },
      nodes: {
        'n-{f}-{h}': { kind: 'load', plugin: 'range' },
        m: { kind: 'load', plugin: 'range', params: { count: '{f}' } },
      },
    });
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/#\/nodes\/n-\{f\}-\{h\}: node id uses undefined matrix key \{h\}/),
        expect.stringMatching(/#\/nodes\/m\/params: params use \{f\}, but the node id "m" does not bind it/),
        expect.stringMatching(/#\/matrix\/g: matrix key "g" is never used/),
      ]),
    );
  });

  it('reports every problem of a file at once', () => {
    const out = messages({
      name: 'x',
      seed: 0,
      matrix: { z: [1] },
      nodes: {
        a: { kind: 'load', plugin: 'range', params: { count: -1 } },
        b: { kind: 'score', plugin: 'scal', inputs: { x: 'a' } },
        c: { kind: 'score', plugin: 'scale', inputs: { x: 'q' } },
      },
    });
    expect(out).toHaveLength(4);
  });
});
