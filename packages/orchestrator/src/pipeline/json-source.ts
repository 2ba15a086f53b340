import { ParseError, parseTree, findNodeAtLocation, printParseErrorCode, Node } from 'jsonc-parser';
import { Problem, pointerOf } from '../validate/problem';

/** A parsed JSON file that can map JSON paths back to line and column for error messages. */
export class JsonSource {
  private readonly lineStarts: number[] = [0];

  private constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
    private readonly tree: Node | undefined,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** Parses strict JSON (no comments, no trailing commas); every syntax error becomes a Problem. */
  static parse(file: string, text: string): { source?: JsonSource; problems: Problem[] } {
    const deep = tooDeepAt(text);
    if (deep !== undefined)
      return {
        problems: [
          new JsonSource(file, text, undefined, undefined).problemAtOffset(
            deep,
            `nested deeper than ${MAX_DEPTH} levels; a pipeline never needs that`,
          ),
        ],
      };
    const errors: ParseError[] = [];
    const tree = parseTree(text, errors, {
      disallowComments: true,
      allowTrailingComma: false,
      allowEmptyContent: false,
    });
    const draft = new JsonSource(file, text, undefined, tree);
    if (errors.length > 0 || tree === undefined) {
      const problems = errors.map((e) =>
        draft.problemAtOffset(e.offset, `malformed JSON: ${describeParseError(printParseErrorCode(e.error))}`),
      );
      return { problems: problems.length ? problems : [draft.problemAtOffset(0, 'malformed JSON: empty file')] };
    }
    return { source: new JsonSource(file, text, JSON.parse(text), tree), problems: [] };
  }

  /** A problem at the deepest existing node along `path` (a missing property points at its parent). */
  problem(path: (string | number)[], message: string): Problem {
    const p: Problem = { file: this.file, pointer: pointerOf(path), message };
    for (let n = path.length; n >= 0 && this.tree; n--) {
      const node = findNodeAtLocation(this.tree, path.slice(0, n));
      if (node)
        return { ...p, ...this.lineColumn(node.parent?.type === 'property' ? node.parent.offset : node.offset) };
    }
    return p;
  }

  private problemAtOffset(offset: number, message: string): Problem {
    return { file: this.file, pointer: '', message, ...this.lineColumn(offset) };
  }

  private lineColumn(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }
}

/** Nesting beyond this is refused before parsing: the parsers and validators recurse once per level. */
export const MAX_DEPTH = 64;

/** The offset where brackets first nest deeper than MAX_DEPTH (strings skipped), or undefined. */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === '}' || c === ']') depth--;
  }
  return undefined;
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
