import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RtlabError } from '@rtlab/sdk';
import { ArtifactCache } from '../../cache/artifact-cache';
import { FileHashes } from '../../cache/file-hashes';
import { nodeKeys } from '../../cache/node-keys';
import { validatePipelineFile } from '../../validate/validate-pipeline';
import { act, ExitHolder } from '../action';
import { EXIT } from '../exit-codes';
import { formatBytes } from '../format-bytes';
import { printProblems } from '../print-problems';
import { GlobalOptions, openWorkspace } from '../workspace';

interface CacheOptions extends GlobalOptions {
  cacheDir?: string;
}

function openCache(cmd: Command): { cache: ArtifactCache; ws: ReturnType<typeof openWorkspace> } {
  const opts = cmd.optsWithGlobals<CacheOptions>();
  const ws = openWorkspace(opts);
  return { cache: new ArtifactCache(opts.cacheDir ? path.resolve(opts.cacheDir) : ws.config.cacheDir), ws };
}

export function cacheCommand(program: Command, exit: ExitHolder): void {
  const cache = program
    .command('cache')
    .description('inspect and clean the artifact cache')
    .option('--cache-dir <dir>', 'cache folder (default from rtlab.config.json, else .rtlab/cache)');

  cache
    .command('ls')
    .description('list entries: key, type, size, created, producing node')
    .action(
      act(exit, (_o: unknown, cmd: Command) => {
        for (const e of openCache(cmd).cache.list()) {
          process.stdout.write(
            `${e.key.slice(0, 12)}  ${e.type.padEnd(12)} ${formatBytes(e.bytes).padStart(10)}  ${e.createdAt}  ${e.producer.node} (${e.producer.plugin}@${e.producer.version}${e.producer.backend ? ` on ${e.producer.backend}` : ''})\n`,
          );
        }
        return EXIT.ok;
      }),
    );

  cache
    .command('du')
    .description('disk usage, in total and per artifact type')
    .action(
      act(exit, (_o: unknown, cmd: Command) => {
        const { cache: c } = openCache(cmd);
        const byType = new Map<string, number>();
        for (const e of c.list()) byType.set(e.type, (byType.get(e.type) ?? 0) + e.bytes);
        for (const [t, b] of [...byType].sort((a, b) => b[1] - a[1]))
          process.stdout.write(`${t.padEnd(14)}${formatBytes(b).padStart(10)}\n`);
        process.stdout.write(`${'total'.padEnd(14)}${formatBytes(c.diskUsage()).padStart(10)}  ${c.root}\n`);
        return EXIT.ok;
      }),
    );

  cache
    .command('gc')
    .description(
      'remove every entry that the given pipelines (default: pipelines/*.json) do not use, and leftover temporary files',
    )
    .argument('[pipelines...]', 'pipeline files whose entries are kept')
    .action(
      act(exit, async (files: string[], _o: unknown, cmd: Command) => {
        const { cache: c, ws } = openCache(cmd);
        if (!files.length && !fs.existsSync('pipelines'))
          throw new RtlabError(
            'usage',
            'cache gc: name the pipelines whose entries to keep (there is no pipelines/ folder here)',
          );
        const list = files.length
          ? files
          : fs
              .readdirSync('pipelines')
              .filter((f) => f.endsWith('.json') && f !== 'pipeline.schema.json')
              .map((f) => path.join('pipelines', f));
        const keep = new Set<string>();
        const hashes = new FileHashes(c.root);
        for (const f of list) {
          const { pipeline, problems } = validatePipelineFile(f, ws.registry);
          if (!pipeline) {
            printProblems(problems);
            process.stderr.write(
              'gc removed nothing: fix the pipelines first, so their entries are not removed by mistake\n',
            );
            return EXIT.invalid;
          }
          for (const k of nodeKeys(pipeline, ws.config, hashes).values()) keep.add(k.key);
        }
        const removed = await c.gc(keep);
        process.stdout.write(`removed ${removed.length} entries; kept those of ${list.length} pipeline(s)\n`);
        return EXIT.ok;
      }),
    );

  cache
    .command('clear')
    .description('remove the whole cache')
    .action(
      act(exit, async (_o: unknown, cmd: Command) => {
        const { cache: c } = openCache(cmd);
        await c.clear();
        process.stdout.write(`cleared ${c.root}\n`);
        return EXIT.ok;
      }),
    );
}
