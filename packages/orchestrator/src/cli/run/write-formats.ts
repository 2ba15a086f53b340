import * as path from 'node:path';
import { Artifact, RtlabError } from '@rtlab/sdk';
import { writeAtomically } from '../../files/write-atomically';

/** A sink artifact's rendered formats (meta.formats: extension -> text) go next to the run record. */
export function writeFormats(id: string, artifact: Artifact, dir: string): string[] {
  const formats = artifact.meta.formats;
  if (!formats || typeof formats !== 'object' || Array.isArray(formats)) return [];
  return Object.entries(formats)
    .filter(([, text]) => typeof text === 'string')
    .map(([ext, text]) => {
      const file = path.join(dir, `${id}.${ext.replace(/[^a-z0-9]/gi, '')}`);
      if (path.dirname(file) !== dir) throw new RtlabError('validation', `node id "${id}" would write outside ${dir}`);
      writeAtomically(file, text as string);
      return file;
    });
}
