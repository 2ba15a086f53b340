import { ESLint } from 'eslint';
import { ROOT } from './rtlab-cli';

// The package boundaries of docs/architecture.md are lint rules; these cases prove the rules bite.
// The config is passed in: ESLint loads config files by dynamic import, which jest's VM does not allow.
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: require('../eslint.config.js') });
const problems = async (file: string, code: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return result.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
};

describe('package boundaries (lint)', () => {
  it('a plugin importing the engine fails lint', async () => {
    expect(
      await problems(
        'packages/plugin-attacks/src/pgd/x.ts',
        "import { main } from '@rtlab/orchestrator';\nexport const m = main;\n",
      ),
    ).toEqual([expect.stringContaining('plugins never import the engine')]);
  });

  it('nor by require(), import(), import = require() or a relative path', async () => {
    const file = 'packages/plugin-attacks/src/pgd/x.ts';
    expect(await problems(file, "export const m = require('@rtlab/orchestrator');\n")).toEqual([
      expect.stringContaining('plugins never import the engine'),
    ]);
    expect(await problems(file, "export const m = import('@rtlab/orchestrator/dist/cli/main');\n")).toEqual([
      expect.stringContaining('plugins never import the engine'),
    ]);
    expect(await problems(file, "import m = require('@rtlab/orchestrator');\nexport const n = m;\n")).toEqual([
      expect.stringContaining('plugins never import the engine'),
    ]);
    expect(
      await problems(file, "import { main } from '../../../orchestrator/src/cli/main';\nexport const m = main;\n"),
    ).toEqual([expect.stringContaining('not by a relative path into it')]);
    expect(
      await problems(
        file,
        "import { Network } from '../../../plugin-models/src/network/network';\nexport const n = Network;\n",
      ),
    ).toEqual([expect.stringContaining('not by a relative path into it')]);
    expect(await problems(file, "import { pgdL2 } from './pgd-l2';\nexport const p = pgdL2;\n")).toEqual([]);
  });

  it("a plugin reaching into another package's files fails lint; its public exports pass", async () => {
    expect(
      await problems(
        'packages/plugin-bounds/src/x.ts',
        "import { Network } from '@rtlab/plugin-models/src/network/network';\nexport const n = Network;\n",
      ),
    ).toContainEqual(expect.stringContaining('import a package by its name'));
    expect(
      await problems(
        'packages/plugin-bounds/src/x.ts',
        "import { Network } from '@rtlab/plugin-models';\nimport { Plugin } from '@rtlab/sdk';\nexport const n: Plugin | typeof Network | undefined = undefined;\n",
      ),
    ).toEqual([]);
  });

  it('plugin code selects no backend; its tests may', async () => {
    const code = "import { selectBackend } from '@rtlab/backends';\nexport const s = selectBackend;\n";
    expect(await problems('packages/plugin-transfer/src/x.ts', code)).toEqual([
      expect.stringContaining('only its tests select one'),
    ]);
    expect(await problems('packages/plugin-transfer/src/x.spec.ts', code)).toEqual([]);
  });

  it('the SDK imports no other rtlab package', async () => {
    expect(
      await problems(
        'packages/sdk/src/x.ts',
        "import { selectBackend } from '@rtlab/backends';\nexport const s = selectBackend;\n",
      ),
    ).toEqual([expect.stringContaining('the SDK depends on no other rtlab package')]);
  });

  it('the run decides what to compute and leaves how to a NodeRunner: run/ never reaches into the queue', async () => {
    const code =
      "import { QueueCoordinator } from '../execute/queue/queue-coordinator';\nexport const q = QueueCoordinator;\n";
    expect(await problems('packages/orchestrator/src/run/x.ts', code)).toEqual([
      expect.stringContaining('run/ hands nodes to a NodeRunner'),
    ]);
    expect(await problems('packages/orchestrator/src/cli/run/x.ts', code)).toEqual([]);
  });
});
