import { isDeepStrictEqual } from 'node:util';
import { escapeHtml, RtlabError, TableCells, tableCells } from '@rtlab/sdk';
import { ArtifactCache } from '../cache/artifact-cache';
import { finished, RunFolder } from './run-folder';

export interface ParamChange {
  node: string;
  param: string;
  a: unknown;
  b: unknown;
}

export interface CellChange {
  table: string;
  row: string;
  column: string;
  a: string;
  b: string;
}

export interface RunComparison {
  /** Undefined when a run's record has no pipeline line (records written before rtlab recorded it). */
  params?: ParamChange[];
  cells: CellChange[];
  /** Table nodes finished in both runs whose cells were compared. */
  compared: number;
  /** Table nodes whose plugin stores no cells (no `formats.json`), so that nothing of them was compared. */
  uncompared: string[];
  onlyInA: string[];
  onlyInB: string[];
}

const MISSING = '–';

/**
 * What differs between two runs of one pipeline: params (and plugin versions) per node, and every table
 * cell that moved. Each run's tables are read from its own cache; a table missing there is an error.
 */
export function compareRuns(a: RunFolder, b: RunFolder, cacheA: ArtifactCache, cacheB: ArtifactCache): RunComparison {
  if (a.header.pipeline !== b.header.pipeline) {
    throw new RtlabError(
      'usage',
      `${a.dir} is a run of ${a.header.pipeline} and ${b.dir} one of ${b.header.pipeline}: compare two runs of one pipeline`,
    );
  }
  const nodesA = new Map((a.pipeline?.nodes ?? []).map((n) => [n.id, n]));
  const nodesB = new Map((b.pipeline?.nodes ?? []).map((n) => [n.id, n]));
  const params: ParamChange[] = [];
  for (const [id, na] of nodesA) {
    const nb = nodesB.get(id);
    if (!nb) continue;
    if (na.version !== nb.version)
      params.push({ node: id, param: `(${na.kind}/${na.plugin} version)`, a: na.version, b: nb.version });
    for (const param of [...new Set([...Object.keys(na.params), ...Object.keys(nb.params)])].sort()) {
      if (!isDeepStrictEqual(na.params[param], nb.params[param]))
        params.push({ node: id, param, a: na.params[param] ?? '(default)', b: nb.params[param] ?? '(default)' });
    }
  }
  const cells: CellChange[] = [];
  const uncompared: string[] = [];
  let compared = 0;
  for (const na of a.nodes.filter((n) => n.plugin.startsWith('table/') && finished(n))) {
    const nb = b.nodes.find((n) => n.node === na.node && finished(n));
    if (!nb) continue;
    const [ta, tb] = [tableOf(cacheA, na.key, na.node, a), tableOf(cacheB, nb.key, nb.node, b)];
    if (ta && tb) {
      cells.push(...movedCells(na.node, ta, tb));
      compared++;
    } else {
      uncompared.push(na.node);
    }
  }
  if (!a.pipeline || !b.pipeline) return { cells, compared, uncompared, onlyInA: [], onlyInB: [] }; // what ran is not recorded: no params, no node lists
  return {
    params,
    cells,
    compared,
    uncompared,
    onlyInA: [...nodesA.keys()].filter((id) => !nodesB.has(id)),
    onlyInB: [...nodesB.keys()].filter((id) => !nodesA.has(id)),
  };
}

function tableOf(cache: ArtifactCache, key: string, node: string, run: RunFolder): TableCells | undefined {
  const meta = cache.metadata(key)?.meta;
  if (!meta)
    throw new RtlabError(
      'cache',
      `table ${node} of ${run.dir} is not in the cache at ${cache.root}: pass the cache that run used with --cache-dir, or rerun it`,
    );
  return tableCells(meta);
}

/** Cells whose text differs, matched by row labels and column name (a row or column in one table only counts as moved from or to "–"). */
function movedCells(node: string, a: TableCells, b: TableCells): CellChange[] {
  const labels = a.labelColumns;
  const keyed = (t: TableCells) => new Map(t.rows.map((r) => [r.slice(0, labels).join(' · '), r]));
  const [ra, rb] = [keyed(a), keyed(b)];
  const columns = [...new Set([...a.header.slice(labels), ...b.header.slice(labels)])];
  const out: CellChange[] = [];
  for (const row of [...new Set([...ra.keys(), ...rb.keys()])]) {
    for (const column of columns) {
      const cell = (t: TableCells, rows: Map<string, string[]>) => rows.get(row)?.[t.header.indexOf(column)] ?? MISSING;
      const [va, vb] = [
        a.header.includes(column) ? cell(a, ra) : MISSING,
        b.header.includes(column) ? cell(b, rb) : MISSING,
      ];
      if (va !== vb) out.push({ table: `${a.title} (${node})`, row, column: column || 'value', a: va, b: vb });
    }
  }
  return out;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The comparison as lines of text. */
export function comparisonText(c: RunComparison, a: RunFolder, b: RunFolder): string {
  const lines = [`A: ${a.dir}`, `B: ${b.dir}`, ''];
  lines.push(
    !c.params
      ? 'params: not recorded (a run from before rtlab recorded them)'
      : c.params.length
        ? `params that differ (${c.params.length}):`
        : 'params: the same',
  );
  for (const p of c.params ?? []) lines.push(`  ${p.node}.${p.param}: ${show(p.a)} -> ${show(p.b)}`);
  if (c.onlyInA.length) lines.push(`nodes only in A: ${c.onlyInA.join(', ')}`);
  if (c.onlyInB.length) lines.push(`nodes only in B: ${c.onlyInB.join(', ')}`);
  if (c.uncompared.length) lines.push(`tables not compared (their plugin stores no cells): ${c.uncompared.join(', ')}`);
  lines.push(
    c.cells.length
      ? `table cells that moved (${c.cells.length}):`
      : c.compared
        ? `tables: every cell ${c.uncompared.length ? 'of the others ' : ''}the same`
        : 'tables: none finished in both runs',
  );
  for (const cell of c.cells) lines.push(`  ${cell.table}: ${cell.row} / ${cell.column}: ${cell.a} -> ${cell.b}`);
  return lines.join('\n') + '\n';
}

/** The comparison as a self-contained page. */
export function comparisonPage(c: RunComparison, a: RunFolder, b: RunFolder): string {
  const e = (v: unknown) => escapeHtml(show(v));
  const table = (id: string, head: string[], rows: unknown[][]) =>
    `<table data-table="${id}"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => `<td>${e(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>rtlab compare: ${e(a.header.pipeline)}</title>`,
    '<style>body{font:15px/1.45 "DejaVu Sans",Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:1em 0}th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left}thead th{border-bottom:2px solid #999}</style>',
    '</head>',
    '<body>',
    `<h1>Compare runs of ${e(a.header.pipeline)}</h1>`,
    `<p>A: ${e(a.dir)} (${e(a.header.startedAt)})<br>B: ${e(b.dir)} (${e(b.header.startedAt)})</p>`,
    '<h2>Params that differ</h2>',
    !c.params
      ? '<p>Not recorded (a run from before rtlab recorded them).</p>'
      : c.params.length
        ? table(
            'params',
            ['node', 'param', 'A', 'B'],
            c.params.map((p) => [p.node, p.param, p.a, p.b]),
          )
        : '<p>None.</p>',
    ...(c.onlyInA.length || c.onlyInB.length
      ? [
          `<p>Nodes only in A: ${e(c.onlyInA.join(', ') || 'none')}; only in B: ${e(c.onlyInB.join(', ') || 'none')}.</p>`,
        ]
      : []),
    '<h2>Table cells that moved</h2>',
    ...(c.uncompared.length
      ? [`<p>Not compared (their plugin stores no cells): ${e(c.uncompared.join(', '))}.</p>`]
      : []),
    c.cells.length
      ? table(
          'cells',
          ['table', 'row', 'column', 'A', 'B'],
          c.cells.map((x) => [x.table, x.row, x.column, x.a, x.b]),
        )
      : c.compared
        ? '<p>None: every cell is the same.</p>'
        : '<p>No table finished in both runs.</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
