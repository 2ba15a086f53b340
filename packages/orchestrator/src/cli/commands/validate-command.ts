import { Command } from 'commander';
import { validatePipelineFile } from '../../validate/validate-pipeline';
import { act, ExitHolder } from '../action';
import { EXIT } from '../exit-codes';
import { printProblems } from '../print-problems';
import { GlobalOptions, openWorkspace } from '../workspace';

export function validateCommand(program: Command, exit: ExitHolder): void {
  program
    .command('validate')
    .description(
      'check pipeline files without running them; every problem is reported with file, line and JSON pointer',
    )
    .argument('<files...>', 'pipeline JSON files')
    .action(
      act(exit, (files: string[], _opts: unknown, cmd: Command) => {
        const { registry } = openWorkspace(cmd.optsWithGlobals<GlobalOptions>());
        const problems = files.flatMap((f) => {
          const r = validatePipelineFile(f, registry);
          if (r.pipeline) process.stdout.write(`ok ${f} (${r.pipeline.nodes.length} nodes)\n`);
          return r.problems;
        });
        if (problems.length) printProblems(problems);
        return problems.length ? EXIT.invalid : EXIT.ok;
      }),
    );
}
