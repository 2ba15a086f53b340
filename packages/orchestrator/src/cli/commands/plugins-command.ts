import { Command } from 'commander';
import { act, ExitHolder } from '../action';
import { EXIT } from '../exit-codes';
import { GlobalOptions, openWorkspace } from '../workspace';

export function pluginsCommand(program: Command, exit: ExitHolder): void {
  program
    .command('plugins')
    .description('list the installed plugins with their ports and output type')
    .action(
      act(exit, (_opts: unknown, cmd: Command) => {
        const { registry } = openWorkspace(cmd.optsWithGlobals<GlobalOptions>());
        for (const p of registry.all().sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`))) {
          const ports = Object.entries(p.inputs)
            .map(([n, s]) => `${n}: ${s.type}${s.many ? '[]' : ''}${s.optional ? '?' : ''}`)
            .join(', ');
          process.stdout.write(`${p.kind}/${p.name}@${p.version}  (${ports}) -> ${p.output}\n    ${p.description}\n`);
        }
        return EXIT.ok;
      }),
    );
}
