import { Command } from 'commander';
import { toMermaid } from '../../dag/mermaid';
import { validatePipelineFile } from '../../validate/validate-pipeline';
import { act, ExitHolder } from '../action';
import { EXIT } from '../exit-codes';
import { printProblems } from '../print-problems';
import { GlobalOptions, openWorkspace } from '../workspace';

export function graphCommand(program: Command, exit: ExitHolder): void {
  program
    .command('graph')
    .description('print the pipeline DAG as Mermaid flowchart text')
    .argument('<pipeline>', 'pipeline JSON file')
    .action(
      act(exit, (file: string, _opts: unknown, cmd: Command) => {
        const { registry } = openWorkspace(cmd.optsWithGlobals<GlobalOptions>());
        const { pipeline, problems } = validatePipelineFile(file, registry);
        if (!pipeline) {
          printProblems(problems);
          return EXIT.invalid;
        }
        process.stdout.write(toMermaid(pipeline));
        return EXIT.ok;
      }),
    );
}
