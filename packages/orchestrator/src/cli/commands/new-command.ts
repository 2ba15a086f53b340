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
        // relative paths spelled as paths: npm reads "plugins/x" as a GitHub repository, rtlab as a package name
        const shown = (f: string) => {
          const relative = path.relative(process.cwd(), f) || '.';
          return relative.startsWith('..') || path.isAbsolute(relative) ? relative : `./${relative}`;
        };
        process.stdout.write(files.map((f) => `wrote ${shown(f)}\n`).join(''));
        process.stdout.write(
          `next: in ${shown(dir)}, npm test; then list "rtlab-plugin-${name}" (after npm install ${shown(dir)}) or "${shown(path.join(dir, 'dist/index.js'))}" in rtlab.config.json "plugins" and run rtlab run ${shown(path.join(dir, 'pipeline.json'))}\n`,
        );
        return EXIT.ok;
      }),
    );
}
