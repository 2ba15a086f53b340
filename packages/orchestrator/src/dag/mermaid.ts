import { ResolvedPipeline } from '../validate/resolved-pipeline';

/**
 * The pipeline DAG as Mermaid flowchart text (paste into any Mermaid renderer, or a Markdown file).
 * @example flowchart LR / n0["train<br/>load/dsprites"] / n0 --> n1
 */
export function toMermaid(pipeline: ResolvedPipeline): string {
  const ids = new Map(pipeline.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = [`flowchart LR`];
  for (const n of pipeline.nodes) lines.push(`  ${ids.get(n.id)}["${escape(n.id)}<br/>${n.kind}/${n.plugin.name}"]`);
  for (const n of pipeline.nodes) {
    for (const [port, ref] of Object.entries(n.inputs)) {
      for (const p of [ref].flat()) lines.push(`  ${ids.get(p)} -->|${escape(port)}| ${ids.get(n.id)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function escape(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/\|/g, '#124;');
}
