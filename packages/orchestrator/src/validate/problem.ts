/** One thing wrong with a pipeline file, located by JSON pointer (and line/column where known). */
export interface Problem {
  file: string;
  pointer: string;
  message: string;
  line?: number;
  column?: number;
}

/** `pipelines/x.json:12:9 #/nodes/attack/params/eps: must be > 0, got -0.03` */
export function formatProblem(p: Problem): string {
  const at = p.line !== undefined ? `${p.file}:${p.line}:${p.column}` : p.file;
  return `${at} #${p.pointer}: ${p.message}`;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerOf(path: (string | number)[]): string {
  return path.map((s) => `/${pointerSegment(String(s))}`).join('');
}
