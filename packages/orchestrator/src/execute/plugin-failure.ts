import * as path from 'node:path';
import { inspect } from 'node:util';
import { isAbortError, Plugin, RtlabError } from '@rtlab/sdk';
import { BUILT_IN_PLUGIN_PACKAGES } from '../plugins/load-plugin-modules';

/** The code of rtlab's own packages (built or, under jest, source): a frame there is rtlab's, not the plugin author's. */
const RTLAB_FOLDERS = ['@rtlab/sdk', '@rtlab/backends', '@rtlab/orchestrator', ...BUILT_IN_PLUGIN_PACKAGES].flatMap(
  (name) => {
    try {
      const root = path.dirname(require.resolve(`${name}/package.json`));
      return [path.join(root, 'dist'), path.join(root, 'src')];
    } catch {
      return [];
    }
  },
);

const inside = (file: string, folder: string) => {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
};

/**
 * A plugin's own error as its author needs it, without --debug: which plugin threw what, and where in
 * its own code (the first stack frame in its module's folder, outside node_modules and rtlab's own
 * packages). The stack below the message stays the plugin's (for --debug). An RtlabError or an abort
 * passes through as it is: those already say what is wrong.
 */
export function pluginFailure(e: unknown, plugin: Plugin, origin: string | undefined): unknown {
  if (e instanceof RtlabError || isAbortError(e)) return e;
  const who = `${plugin.kind}/${plugin.name}`;
  if (!(e instanceof Error))
    return new RtlabError('plugin', `${who} threw ${inspect(e, { depth: 2, breakLength: Infinity })}`, { cause: e });
  const frame = origin ? firstFrameIn(e.stack ?? '', origin) : undefined;
  const wrapped = new RtlabError('plugin', `${who} threw ${e.name}: ${e.message}${frame ? ` at ${frame}` : ''}`, {
    cause: e,
  });
  const frames = (e.stack ?? '').split('\n').slice(1).join('\n');
  if (frames) wrapped.stack = `RtlabError: ${wrapped.message}\n${frames}`;
  return wrapped;
}

/** The first `file:line:column` of a V8 stack in `origin`, and not in a node_modules below it nor in rtlab's packages. */
function firstFrameIn(stack: string, origin: string): string | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?(?:file:\/\/)?(\/[^()]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[1];
    const ours = inside(file, origin) && !path.relative(origin, file).split(path.sep).includes('node_modules');
    if (ours && !RTLAB_FOLDERS.some((f) => inside(file, f))) return `${file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
