import { RtlabError } from '@rtlab/sdk';

const SYSTEM_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder',
  ENOTDIR: 'a parent is not a folder',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  EDQUOT: 'disk quota exceeded',
};

/**
 * One line for the user: rtlab's own errors as they are, a failed system call as what rtlab could not
 * do to which path, anything else with a pointer to --debug. With `debug`, the stack trace follows.
 * @example describeFailure(eaccesFromMkdir, false) // "cannot mkdir runs/x: permission denied (EACCES)"
 */
export function describeFailure(e: unknown, debug: boolean): string {
  const stack = debug && e instanceof Error && e.stack ? `\n${e.stack}` : '';
  if (e instanceof RtlabError) return `${e.message}${stack}`;
  const sys = e as NodeJS.ErrnoException & { dest?: string };
  if (sys?.code && sys.syscall) {
    const what = SYSTEM_ERRORS[sys.code] ?? sys.code;
    return `cannot ${sys.syscall}${sys.path ? ` ${sys.path}` : ''}${sys.dest ? ` -> ${sys.dest}` : ''}: ${what} (${sys.code})${stack}`;
  }
  const message = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
  return `${message}${stack || ' (rerun with --debug for the stack trace)'}`;
}
