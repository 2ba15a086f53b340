import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAtomically } from '../../files/write-atomically';
import { composePipelineSchema } from '../../pipeline/compose-schema';
import { act, ExitHolder } from '../action';
import { EXIT } from '../exit-codes';
import { GlobalOptions, openWorkspace } from '../workspace';

export function schemaCommand(program: Command, exit: ExitHolder): void {
  program
    .command('schema')
    .description('write pipeline.schema.json composed from the installed plugins (for editor completion and checks)')
    .option('-o, --out <file>', 'where to write it', 'pipelines/pipeline.schema.json')
    .action(
      act(exit, (opts: { out: string }, cmd: Command) => {
        const { registry } = openWorkspace(cmd.optsWithGlobals<GlobalOptions>());
        const text = JSON.stringify(composePipelineSchema(registry), null, 2) + '\n';
        fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
        writeAtomically(opts.out, text);
        process.stdout.write(`wrote ${opts.out} (${registry.all().length} plugins)\n`);
        return EXIT.ok;
      }),
    );
}
