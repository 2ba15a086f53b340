/**
 * Text as a terminal may show it: control characters other than newline and tab (ESC above all, which
 * starts the sequences that move the cursor, recolour or retitle the terminal) become visible `\u001b`
 * escapes. Job data and plugin errors can carry any text, from whoever can write to Redis.
 */
export function terminalSafe(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    const control = (code < 0x20 && c !== '\n' && c !== '\t') || (code >= 0x7f && code <= 0x9f);
    out += control ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }
  return out;
}
