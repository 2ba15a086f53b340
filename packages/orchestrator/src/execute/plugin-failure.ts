import * as path from 'node:path';
import { isAbortError, Plugin, RtlabError } from '@rtlab/sdk';

/**
 * A plugin's own error as its author needs it, without --debug: which plugin threw what, and where in
 * its own code (the first stack frame in its module's folder, outside that folder's node_modules). An
 * RtlabError or an abort passes through as it is: those already say what is wrong.
 */
export function pluginFailure(e: unknown, plugin: Plugin, origin: string | undefined): unknown {
  if (e instanceof RtlabError || isAbortError(e)) return e;
  const error = e instanceof Error ? e : new Error(String(e));
  const frame = origin ? firstFrameIn(error.stack ?? '', origin) : undefined;
  const where = frame ? ` at ${frame}` : '';
  return new RtlabError('plugin', `${plugin.kind}/${plugin.name} threw ${error.name}: ${error.message}${where}`, {
    cause: e,
  });
}

/** The first `file:line:column` of a V8 stack that lies in `origin` and not in a node_modules below it. */
function firstFrameIn(stack: string, origin: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?(?:file:\/\/)?(\/[^()]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const relative = path.relative(origin, m[1]);
    if (
      relative &&
      !relative.startsWith('..') &&
      !path.isAbsolute(relative) &&
      !relative.split(path.sep).includes('node_modules')
    ) {
      return `${m[1]}:${m[2]}:${m[3]}`;
    }
  }
  return undefined;
}
