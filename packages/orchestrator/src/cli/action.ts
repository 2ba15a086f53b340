import { Command } from 'commander';

/** Where a command action leaves its exit code (commander ignores action return values). */
export interface ExitHolder {
  code: number;
}

export type RegisterCommand = (program: Command, exit: ExitHolder) => void;

/** Wraps an action that returns an exit code. */
export function act<A extends unknown[]>(
  exit: ExitHolder,
  fn: (...args: A) => number | Promise<number>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    exit.code = await fn(...args);
  };
}
