import { Command, CommanderError } from 'commander';
import { ExitHolder, RegisterCommand } from './action';
import { describeFailure } from './describe-failure';
import { cacheCommand } from './commands/cache-command';
import { graphCommand } from './commands/graph-command';
import { pluginsCommand } from './commands/plugins-command';
import { reportCommands } from './commands/report-command';
import { runCommand } from './commands/run-command';
import { schemaCommand } from './commands/schema-command';
import { validateCommand } from './commands/validate-command';
import { workerCommand } from './commands/worker-command';
import { newCommand } from './commands/new-command';
import { EXIT, exitCodeOf } from './exit-codes';
import { terminalSafe } from '../progress/terminal-safe';

const COMMANDS: RegisterCommand[] = [
  runCommand,
  workerCommand,
  reportCommands,
  validateCommand,
  graphCommand,
  schemaCommand,
  pluginsCommand,
  cacheCommand,
  newCommand,
];

export function buildProgram(exit: ExitHolder): Command {
  const program = new Command('rtlab')
    .description('Robustness transfer lab: validate, run and cache adversarial-robustness pipelines')
    .option('--config <file>', 'rtlab.config.json to use (default: ./rtlab.config.json if present)')
    .option('--data-root <dir>', 'folder dataset paths are relative to (default from rtlab.config.json, else data)')
    .option(
      '--model-root <dir>',
      'folder checkpoint paths are relative to (default from rtlab.config.json, else models)',
    )
    .option('--debug', 'print stack traces with errors')
    .showHelpAfterError('(add --help for usage)');
  for (const register of COMMANDS) register(program, exit);
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

/** Runs the CLI and resolves to its exit code: 0 ok, 1 a node failed, 2 invalid pipeline or usage, 130 interrupted. */
export async function main(argv: string[]): Promise<number> {
  const exit: ExitHolder = { code: EXIT.ok };
  const program = buildProgram(exit);
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return EXIT.invalid;
  }
  try {
    await program.parseAsync(argv);
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    process.stderr.write(`error: ${terminalSafe(describeFailure(e, argv.includes('--debug')))}\n`);
    return exitCodeOf(e);
  }
}
