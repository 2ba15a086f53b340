import { Command } from 'commander';
import * as path from 'node:path';
import { writePluginPackage } from '../../scaffold/write-plugin-package';
import { act, ExitHolder } from '../action';
import { EXIT } from '../exit-codes';

export function newCommand(program: Command, exit: ExitHolder): void {
  program
    .command('new')
    .description('start something of your own')
    .command('plugin')
    .description(
      'write a plugin package (TypeScript, a test, build and test scripts, a pipeline using it) that builds and runs as written',
    )
    .argument('<kind>', 'the node kind, e.g. score')
    .argument('<name>', 'the plugin name, e.g. brightness (the package is rtlab-plugin-<name>)')
    .option('--dir <dir>', 'where to write it (default: ./rtlab-plugin-<name>)')
    .action(
      act(exit, (kind: string, name: string, opts: { dir?: string }) => {
        const dir = path.resolve(opts.dir ?? `rtlab-plugin-${name}`);
        const files = writePluginPackage(kind, name, dir);
        process.stdout.write(files.map((f) => `wrote ${path.relative(process.cwd(), f)}\n`).join(''));
        process.stdout.write(
          `next: in ${path.relative(process.cwd(), dir) || '.'}, npm test; then list "rtlab-plugin-${name}" (after npm install ${path.relative(process.cwd(), dir) || '.'}) or "./${path.relative(process.cwd(), path.join(dir, 'dist/index.js'))}" in rtlab.config.json "plugins" and run rtlab run ${path.relative(process.cwd(), path.join(dir, 'pipeline.json'))}\n`,
        );
        return EXIT.ok;
      }),
    );
}
