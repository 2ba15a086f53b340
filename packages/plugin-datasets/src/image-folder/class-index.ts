import { RtlabError } from '@rtlab/sdk';
import * as fs from 'node:fs';

/**
 * Class order from a mapping file: JSON {"0": ["n01440764", "tench"], ...} (the common
 * imagenet_class_index.json) or text with one wnid per line (line number = index).
 */
export function readClassIndex(file: string): string[] {
  if (!fs.existsSync(file)) throw new RtlabError('input', `class index ${file} not found`);
  const text = fs.readFileSync(file, 'utf8');
  if (!text.trimStart().startsWith('{'))
    return text
      .split(/\r?\n/)
      .map((l) => l.trim().split(/\s+/)[0])
      .filter(Boolean);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RtlabError('input', `${file}: not JSON (${(e as Error).message})`);
  }
  const out: string[] = [];
  for (const [index, entry] of Object.entries(json)) {
    const wnid = Array.isArray(entry) ? entry[0] : entry;
    if (!/^\d+$/.test(index) || typeof wnid !== 'string')
      throw new RtlabError(
        'input',
        `${file}: expected {"<index>": ["<wnid>", "<name>"]}, got "${index}": ${JSON.stringify(entry)}`,
      );
    out[Number(index)] = wnid;
  }
  if (out.some((w) => w === undefined) || out.length !== Object.keys(json).length)
    throw new RtlabError('input', `${file}: class indices must be 0..n-1 without gaps`);
  return out;
}
