import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { filesUnder, tempDir } from '../test-support/temp-dir';
import { TOY_PLUGINS } from '../test-support/toy-registry';

// These tests run the built CLI (`npm test` builds first) in child processes, as a user would.
const BIN = path.join(__dirname, '../../bin/rtlab.js');
const dir = tempDir('rtlab-cli-');
const log = path.join(dir, 'invocations.log');
const env = { ...process.env, RTLAB_TOY_LOG: log, FORCE_COLOR: '0' };

fs.writeFileSync(
  path.join(dir, 'rtlab.config.json'),
  JSON.stringify({ plugins: [TOY_PLUGINS], cacheDir: 'cache', runsDir: 'runs' }),
);

function write(name: string, pipeline: object): string {
  fs.writeFileSync(path.join(dir, name), JSON.stringify(pipeline, null, 2));
  return name;
}

function rtlab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 }); // a hang fails the test, not CI
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** node -> status in the record of the run the CLI named on stderr. */
function statusesOf(stderr: string): Record<string, string> {
  const lines = fs
    .readFileSync(/record: (.*record\.jsonl)/.exec(stderr)![1], 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return Object.fromEntries(lines.filter((l) => l.type === 'node').map((l) => [l.node, l.status]));
}

function invocations(): string[] {
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  fs.rmSync(log, { force: true });
  return lines.sort();
}

const chain = {
  name: 'chain',
  seed: 1,
  matrix: { f: [2, 3] },
  nodes: {
    numbers: { kind: 'load', plugin: 'range', params: { count: 4, start: 1 } },
    'scaled-{f}': { kind: 'score', plugin: 'scale', inputs: { x: 'numbers' }, params: { factor: '{f}' } },
    total: { kind: 'score', plugin: 'sum', inputs: { parts: 'scaled-{f}' } },
    table: { kind: 'table', plugin: 'toy-table', inputs: { rows: 'total' } },
  },
};

describe('rtlab CLI', () => {
  beforeEach(() => invocations());

  it('validate: exit 0 on a good file; exit 2 with file, line and pointer on broken ones', () => {
    write('good.json', chain);
    expect(rtlab('validate', 'good.json')).toMatchObject({ code: 0, stdout: 'ok good.json (5 nodes)\n' });
    fs.writeFileSync(path.join(dir, 'syntax.json'), '{ "name": "x", }');
    write('params.json', {
      ...chain,
      nodes: { ...chain.nodes, numbers: { kind: 'load', plugin: 'range', params: { count: -4 } } },
    });
    const r = rtlab('validate', 'good.json', 'syntax.json', 'params.json', 'missing.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^syntax\.json:1:\d+ #: malformed JSON/m);
    expect(r.stderr).toMatch(/^params\.json:\d+:\d+ #\/nodes\/numbers\/params\/count: must be >= 1, got -4$/m);
    expect(r.stderr).toMatch(/^missing\.json #: cannot read the file: ENOENT$/m);
    expect(r.stderr).toMatch(/\d+ problems in 3 files/);
  });

  it('run: a fresh process reruns with zero plugin invocations and records every node', () => {
    write('chain.json', chain);
    const first = rtlab('run', 'chain.json');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('| 20 |\n| 30 |');
    expect(first.stderr).toMatch(/backend: (wasm|cpu|node|node-gpu)/);
    expect(invocations()).toEqual(['numbers', 'scaled-2', 'scaled-3', 'table', 'total']);

    const second = rtlab('run', 'chain.json');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(invocations()).toEqual([]);
    const recordFile = /record: (.*record\.jsonl)/.exec(second.stderr)![1];
    const lines = fs
      .readFileSync(recordFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'run', pipeline: 'chain' });
    expect(lines[1]).toMatchObject({
      type: 'pipeline',
      nodes: expect.arrayContaining([expect.objectContaining({ id: 'numbers', kind: 'load' })]),
    });
    const nodes = lines.filter((l) => l.type === 'node');
    expect(nodes.map((l) => [l.node, l.status])).toEqual(
      expect.arrayContaining([
        ['numbers', 'hit'],
        ['table', 'hit'],
      ]),
    );
    expect(nodes.every((l) => typeof l.durationMs === 'number' && l.key.length === 64 && l.backend)).toBe(true);
    expect(lines.at(-1)).toMatchObject({
      type: 'end',
      aborted: false,
      counts: { hit: nodes.length, computed: 0, failed: 0 },
    });
  });

  it('run --only runs a node and its ancestors; --explain names the changed param', () => {
    write('only.json', {
      ...chain,
      name: 'only',
      nodes: { ...chain.nodes, numbers: { kind: 'load', plugin: 'range', params: { count: 4, start: 5 } } },
    });
    expect(rtlab('run', 'only.json', '--only', 'scaled-2').code).toBe(0);
    expect(invocations()).toEqual(['numbers', 'scaled-2']);
    write('only.json', {
      ...chain,
      name: 'only',
      nodes: { ...chain.nodes, numbers: { kind: 'load', plugin: 'range', params: { count: 4, start: 6 } } },
    });
    const r = rtlab('run', 'only.json', '--explain', '--only', 'numbers');
    expect(r.stderr).toContain('explain numbers: miss');
    expect(r.stderr).toContain('/params/start: 5 -> 6');
  });

  it('graph prints the DAG as Mermaid', () => {
    write('chain.json', chain);
    const r = rtlab('graph', 'chain.json');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'flowchart LR',
        '  n0["numbers<br/>load/range"]',
        '  n0 -->|x| n1',
        '  n2 -->|parts| n3',
        '  n3 -->|rows| n4',
      ]),
    );
  });

  it('a failing node exits 1, names the node and cause, and keeps its siblings cached', () => {
    write('fail.json', {
      name: 'fail',
      seed: 0,
      nodes: {
        numbers: { kind: 'load', plugin: 'range' },
        bad: { kind: 'score', plugin: 'fail', inputs: { x: 'numbers' } },
        after: { kind: 'score', plugin: 'scale', inputs: { x: 'bad' } },
        fine: { kind: 'score', plugin: 'scale', inputs: { x: 'numbers' } },
      },
    });
    const r = rtlab('run', 'fail.json');
    expect(r.code).toBe(1);
    // the plugin threw a plain Error: the message says which plugin, and where in its own file
    const line =
      fs
        .readFileSync(TOY_PLUGINS, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes("throw new Error('loss became NaN")) + 1;
    expect(r.stderr).toContain(
      `error: node "bad" failed: score/fail threw Error: loss became NaN at step 3 at ${TOY_PLUGINS}:${line}:`,
    );
    expect(r.stderr).toMatch(/- after skipped: "bad" failed/);
    invocations();
    rtlab('run', 'fail.json');
    expect(invocations()).toEqual(['bad']);
  });

  it('an attack result that breaks its contract (AS_i in repDistance, lossAdv zero) fails its node by name: no AS = 0 in a table', () => {
    write('hand-built.json', {
      name: 'hand-built',
      seed: 0,
      nodes: {
        attack: { kind: 'attack', plugin: 'hand-built' },
        as: { kind: 'score', plugin: 'as-score', inputs: { as: 'attack' } },
      },
    });
    const r = rtlab('run', 'hand-built.json', '--backend', 'cpu', '--workers', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: node "attack" failed: attack/hand-built returned an AttackResult that breaks its contract: for objective representation, lossAdv must equal repDistance (AS_i); sample 0: lossAdv 0, repDistance 0.5',
    );
    expect(r.stderr).toMatch(/- as skipped: "attack" failed/);
    expect(r.stdout).toBe('');
  });

  it("a plugin's mistaken call into tfjs names the plugin and the plugin's own line, not only tfjs's message, on worker threads too", () => {
    write('bad-call.json', {
      name: 'bad-call',
      seed: 0,
      nodes: {
        numbers: { kind: 'load', plugin: 'range' },
        bad: { kind: 'score', plugin: 'bad-call', inputs: { x: 'numbers' } },
      },
    });
    const line =
      fs
        .readFileSync(TOY_PLUGINS, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('THE BAD CALL')) + 1;
    for (const workers of ['0', '1']) {
      const r = rtlab('run', 'bad-call.json', '--workers', workers, '--backend', 'cpu');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `error: node "bad" failed: score/bad-call threw TypeError: .* at ${TOY_PLUGINS.replace(/[.]/g, '\\.')}:${line}:\\d+\n`,
        ),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace without --debug
    }
  });

  it('a plugin that ends its worker thread fails its node alone: the thread is replaced and the other nodes run', () => {
    write('exit.json', {
      name: 'exit',
      seed: 0,
      nodes: {
        numbers: { kind: 'load', plugin: 'range', params: { count: 7, start: 40 } }, // keys of no other test
        ends: { kind: 'score', plugin: 'exit', inputs: { x: 'numbers' } },
        fine: { kind: 'score', plugin: 'scale', inputs: { x: 'numbers' } },
        total: { kind: 'score', plugin: 'sum', inputs: { parts: ['fine'] } },
      },
    });
    const r = rtlab('run', 'exit.json', '--workers', '1', '--concurrency', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: node "ends" failed: worker thread crashed: the thread exited with code 3');
    expect(statusesOf(r.stderr)).toEqual({ numbers: 'computed', ends: 'failed', fine: 'computed', total: 'computed' });
    expect(invocations()).toEqual(['ends', 'fine', 'numbers', 'total']);
  });

  it('usage errors exit 2; --help exits 0', () => {
    expect(rtlab('run').code).toBe(2);
    expect(rtlab('frobnicate').code).toBe(2);
    expect(rtlab('run', '--backend', 'tpu', 'x.json').code).toBe(2);
    const help = rtlab('run', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--force <node>');
  });

  it('survives SIGKILL in the middle of a cache write: the next run completes from the surviving cache', async () => {
    const big = {
      name: 'big',
      seed: 0,
      nodes: {
        numbers: { kind: 'load', plugin: 'range', params: { start: 1 } },
        big: { kind: 'score', plugin: 'big', inputs: { x: 'numbers' }, params: { megabytes: 96 } },
        total: { kind: 'score', plugin: 'sum', inputs: { parts: ['big'] } },
        table: { kind: 'table', plugin: 'toy-table', inputs: { rows: 'total' } },
      },
    };
    write('big.json', big);
    const child = spawn(process.execPath, [BIN, 'run', 'big.json', '--concurrency', '1'], {
      cwd: dir,
      env,
      stdio: 'ignore',
    });
    const tmp = path.join(dir, 'cache', 'tmp');
    const partOfBig = () =>
      filesUnder(tmp).some(
        (f) =>
          f.endsWith('tensors.safetensors') &&
          (fs.statSync(path.join(tmp, f), { throwIfNoEntry: false })?.size ?? 0) > 1 << 20,
      );
    const sawPartialWrite = await killWhen(child, partOfBig);
    expect(sawPartialWrite).toBe(true);
    expect(invocations()).toEqual(['big', 'numbers']);

    const resumed = rtlab('run', 'big.json');
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/removed 1 unfinished cache write/);
    expect(resumed.stderr).toMatch(/· numbers cached/);
    expect(invocations()).toEqual(['big', 'table', 'total']);
    expect(filesUnder(tmp)).toEqual([]);
    const fresh = rtlab('run', 'big.json', '--cache-dir', 'fresh-cache');
    expect(fresh.stdout).toBe(resumed.stdout);
    fs.rmSync(path.join(dir, 'fresh-cache'), { recursive: true });
  }, 60_000);

  it('an unwritable runs folder is one line naming the path and the cause, no stack trace unless --debug', () => {
    write('chain.json', chain);
    fs.writeFileSync(path.join(dir, 'not-a-folder'), '');
    fs.writeFileSync(
      path.join(dir, 'bad-runs.json'),
      JSON.stringify({ plugins: [TOY_PLUGINS], cacheDir: 'cache', runsDir: 'not-a-folder/runs' }),
    );
    const r = rtlab('--config', 'bad-runs.json', 'run', 'chain.json');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^error: cannot mkdir .*not-a-folder\/runs.*: a parent is not a folder \(ENOTDIR\)$/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(rtlab('--debug', '--config', 'bad-runs.json', 'run', 'chain.json').stderr).toMatch(/\n\s+at /);
  });

  it('four processes on one cache all succeed and print the same table', async () => {
    const shared = {
      ...chain,
      name: 'shared',
      nodes: {
        ...chain.nodes,
        numbers: { kind: 'load', plugin: 'range', params: { count: 4, start: 7, delayMs: 300 } },
      },
    };
    write('shared.json', shared);
    const runs = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, [BIN, 'run', 'shared.json', '--cache-dir', 'shared-cache'], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.on('exit', (code) => resolve({ code, stdout, stderr })),
      );
    });
    const results = await Promise.all(runs);
    for (const r of results)
      expect([r.code, r.stderr]).toEqual([0, expect.not.stringMatching(/error|ENOTEMPTY|EEXIST/)]);
    expect(new Set(results.map((r) => r.stdout)).size).toBe(1);
    expect(results[0].stdout).toContain('| 68 |\n| 102 |');
    expect(fs.readdirSync(path.join(dir, 'shared-cache', 'tmp'))).toEqual([]);
  }, 60_000);

  it('SIGINT stops the run cleanly: exit 130, no entry for the interrupted node', async () => {
    write('slow.json', {
      name: 'slow',
      seed: 0,
      nodes: { slow: { kind: 'load', plugin: 'range', params: { delayMs: 20000, count: 9 } } },
    });
    const child = spawn(process.execPath, [BIN, 'run', 'slow.json'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await until(() => stderr.includes('slow running'));
    const entriesBefore = filesUnder(path.join(dir, 'cache')).length;
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(filesUnder(path.join(dir, 'cache')).length).toBe(entriesBefore);
    expect(fs.existsSync(path.join(dir, 'cache', 'tmp')) ? filesUnder(path.join(dir, 'cache', 'tmp')) : []).toEqual([]);
  }, 30_000);

  it('runs and compare read damaged records: a cut-off last line is left out, an unreadable run is skipped with a warning, a missing table is an error', () => {
    write('cmp.json', { ...chain, name: 'cmp' });
    const recordOf = (r: { stderr: string }) => /record: (.*record\.jsonl)/.exec(r.stderr)![1];
    const [a, b] = [recordOf(rtlab('run', 'cmp.json')), recordOf(rtlab('run', 'cmp.json', '--set', 'numbers.count=5'))];
    fs.truncateSync(a, fs.statSync(a).size - 20); // killed in the middle of appending its end line
    const damaged = path.join(dir, 'runs/cmp/damaged');
    fs.mkdirSync(damaged);
    fs.writeFileSync(path.join(damaged, 'record.jsonl'), '{"type":"run"}\n');
    const old = path.join(dir, 'runs/cmp/old');
    fs.mkdirSync(old);
    fs.writeFileSync(
      path.join(old, 'record.jsonl'),
      fs
        .readFileSync(b, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('{"type":"pipeline"'))
        .join('\n'),
    );

    const listed = rtlab('runs', 'cmp');
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(3);
    expect(listed.stdout).toContain('did not finish');
    expect(listed.stderr).toBe(
      `warning: ${damaged}/record.jsonl is not a run record: line 1: a "run" line needs "pipeline" (string), "startedAt" (string), "backend" (string) (skipped)\n`,
    );

    const compared = rtlab('compare', path.dirname(a), path.dirname(b));
    expect(compared.code).toBe(0);
    expect(compared.stdout).toMatch(/^ {2}numbers\.count: \S+ -> 5$/m);
    expect(compared.stdout).toContain('tables not compared (their plugin stores no cells): table\n');
    const unrecorded = rtlab('compare', path.dirname(a), old).stdout;
    expect(unrecorded).toContain('params: not recorded');
    expect(unrecorded).not.toContain('nodes only in');
    const empty = rtlab('compare', path.dirname(a), path.dirname(b), '--cache-dir', 'no-cache-here');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(
      /^error: table table of .* is not in the cache at .*no-cache-here: pass the cache that run used with --cache-dir, or rerun it\n$/,
    );
  });

  it('compare passes over a table that a failure upstream skipped', () => {
    write('skipped.json', {
      name: 'skipped',
      seed: 0,
      nodes: {
        numbers: { kind: 'load', plugin: 'range', params: { count: 3, start: 70 } },
        bad: { kind: 'score', plugin: 'fail', inputs: { x: 'numbers' } },
        table: { kind: 'table', plugin: 'toy-table', inputs: { rows: 'bad' } },
      },
    });
    const [a, b] = [rtlab('run', 'skipped.json'), rtlab('run', 'skipped.json')].map((r) =>
      path.dirname(/record: (.*record\.jsonl)/.exec(r.stderr)![1]),
    );
    const compared = rtlab('compare', a, b);
    expect(compared.stderr).not.toMatch(/error/);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain('tables: none finished in both runs');
  });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Polls tightly and SIGKILLs the child the moment `condition` holds; false if the child exited first. */
async function killWhen(child: ChildProcess, condition: () => boolean): Promise<boolean> {
  let exited = false;
  const done = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  try {
    while (!exited) {
      if (condition()) return true;
      await new Promise((r) => setImmediate(r));
    }
    return false;
  } finally {
    child.kill('SIGKILL');
    await done;
  }
}
