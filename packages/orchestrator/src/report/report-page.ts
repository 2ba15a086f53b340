import { escapeHtml } from '@rtlab/sdk';
import { RunFolder } from './run-folder';

const STYLE = `
body { font: 15px/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; margin-top: 2em; } h3 { font-size: 1.05em; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; } dl.run dt { color: #666; } dl.run dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
table { border-collapse: collapse; margin: 1em 0 1.5em; font-size: .92em; } caption { text-align: left; font-weight: bold; padding-bottom: .4em; }
th, td { padding: .25em .7em; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; } thead th { border-bottom: 2px solid #999; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } td:first-child { white-space: nowrap; } td.failed { color: #b00020; } td code { font-size: .9em; }
figure { margin: 1.5em 0; } figure svg { max-width: 100%; height: auto; } figcaption { color: #555; font-size: .9em; max-width: 60em; }
p.note { color: #555; }
@media print { body { max-width: none; } figure { break-inside: avoid; } }
`;

/** A run's report: one self-contained page (inline CSS and SVG, no script) that opens from disk. */
export function reportPage(run: RunFolder, body: string): string {
  const h = run.header;
  const title = `${h.pipeline}: ${h.startedAt}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(h.pipeline)}</h1>`,
    runDetails(run),
    body,
    params(run),
    record(run),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function runDetails(run: RunFolder): string {
  const h = run.header;
  const rows: [string, string][] = [
    ['started', h.startedAt],
    ...(run.end
      ? [
          ['duration', `${(run.end.durationMs / 1000).toFixed(1)} s${run.end.aborted ? ' (interrupted)' : ''}`] as [
            string,
            string,
          ],
        ]
      : []),
    ['backend', `${h.backend}${h.device ? ` (${h.device})` : ''}, ${h.threads} thread${h.threads === 1 ? '' : 's'}`],
    ['commit', h.commit ?? 'not in a git repository'],
    ['pipeline file', h.file],
    ['command', `rtlab ${h.argv.join(' ')}`],
  ];
  return `<dl class="run">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function params(run: RunFolder): string {
  const nodes = run.pipeline?.nodes.filter((n) => Object.keys(n.params).length > 0) ?? [];
  if (!nodes.length) return '';
  const rows = nodes.map(
    (n) =>
      `<tr><td>${escapeHtml(n.id)}</td><td>${escapeHtml(`${n.kind}/${n.plugin}`)}</td><td><code>${escapeHtml(JSON.stringify(n.params))}</code></td></tr>`,
  );
  return [
    '<section class="params">',
    '<h2>Parameters</h2>',
    '<p class="note">Params that differ from their plugins\' defaults.</p>',
    '<table data-table="params"><thead><tr><th>node</th><th>plugin</th><th>params</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

function record(run: RunFolder): string {
  const rows = run.nodes.map((n) => {
    const note = n.error ?? (n.workers ? `on ${n.workers.join(', ')}` : '');
    return `<tr><td>${escapeHtml(n.node)}</td><td>${escapeHtml(n.plugin)}</td><td${n.status === 'failed' ? ' class="failed"' : ''}>${escapeHtml(String(n.status))}</td><td class="num">${(n.durationMs / 1000).toFixed(1)}</td><td>${escapeHtml(note)}</td></tr>`;
  });
  return [
    '<section class="record">',
    '<h2>Run record</h2>',
    '<table data-table="record"><thead><tr><th>node</th><th>plugin</th><th>status</th><th class="num">seconds</th><th></th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    '</section>',
  ].join('\n');
}
