import * as path from 'node:path';
import { adapterStep } from './adapter-step';
import { kernelsStep } from './kernels-step';
import { machineStep } from './machine-step';
import { workloadGroups } from './paper-workloads';
import { pipelineStep } from './pipeline-step';
import { plan, START_UP_S } from './plan';
import { StepResult, stepFile, writeJson } from './step-file';
import { printSummary, summarize } from './summary';
import { torchStep } from './torch-step';
import { workloadsStep } from './workloads-step';

const USAGE =
  'usage: gpu-check plan|summary|STEP --out WORK_DIR --report FILE --cli RTLAB_JS --pipeline FILE --reference TORCH_BENCH_PY [--software] [--final]';
const REPEATS = 3;

interface Options {
  /** The steps' results (steps/NAME.json, and NAME.rc from run.sh) and logs (logs/NAME.log). */
  out: string;
  /** gpu-check.json, where the summary goes. */
  report: string;
  rehearsal: boolean;
  final: boolean;
  cli: string;
  pipeline: string;
  reference: string;
}

function parse(args: string[]): Options {
  const value = (name: string) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0 || !args[i + 1]) throw new Error(`--${name} is missing (${USAGE})`);
    return path.resolve(args[i + 1]);
  };
  const has = (name: string) => args.includes(`--${name}`);
  return {
    out: value('out'),
    report: has('report') ? value('report') : path.join(value('out'), 'gpu-check.json'),
    rehearsal: has('software'),
    final: has('final'),
    cli: has('cli') ? value('cli') : '',
    pipeline: has('pipeline') ? value('pipeline') : '',
    reference: has('reference') ? value('reference') : '',
  };
}

async function runStep(name: string, o: Options, limitS: number): Promise<StepResult> {
  const save = (r: StepResult) => writeJson(stepFile(o.out, name), r);
  const budgetMs = (limitS - START_UP_S) * 1000;
  if (name === 'machine') return machineStep();
  if (name === 'adapter') return adapterStep(o.rehearsal);
  if (name === 'kernels') return kernelsStep(o.rehearsal);
  if (name === 'torch')
    return torchStep(
      o.reference,
      workloadGroups(o.rehearsal).flatMap((g) => g.specs),
      o.rehearsal,
      REPEATS,
      budgetMs,
    );
  if (name === 'pipeline')
    return pipelineStep(o.cli, o.pipeline, path.join(o.out, 'pipeline-work'), o.rehearsal, budgetMs);
  const group = workloadGroups(o.rehearsal).find((g) => `workloads-${g.name}` === name);
  if (group) return workloadsStep(group, REPEATS, budgetMs / 1000, save);
  throw new Error(`no step ${name} (${USAGE})`);
}

/**
 * The GPU check, one step per call (tools/gpu-bundle/run.sh runs each under its time limit and calls
 * `summary` after each): `plan` lists the steps and their limits; a step writes steps/NAME.json;
 * `summary` merges them into gpu-check.json, and with --final prints the result and exits non-zero
 * unless every step passed.
 */
export async function gpuCheckMain(args: string[]): Promise<number> {
  const step = args[0];
  const o = parse(args);
  if (step === 'plan') {
    for (const s of plan(o.rehearsal)) console.log(`${s.name} ${s.limitS} ${s.onAdapter ? 'adapter' : '-'}`);
    return 0;
  }
  if (step === 'summary') {
    const { report, passed } = summarize(o.out, o.report, o.rehearsal);
    if (o.final) printSummary(report);
    return o.final && !passed ? 1 : 0;
  }
  const planned = plan(o.rehearsal).find((s) => s.name === step);
  if (!planned) throw new Error(`no step ${step} (${USAGE})`);
  const started = Date.now();
  let result: StepResult;
  try {
    result = await runStep(step, o, planned.limitS);
  } catch (e) {
    result = { passed: false, error: (e as Error).message.split('\n')[0] };
  }
  result.seconds = (Date.now() - started) / 1000;
  writeJson(stepFile(o.out, step), result);
  console.log(
    `${step}: ${result.passed ? 'passed' : `FAILED${result.error ? `: ${result.error}` : ''}`} (${result.seconds.toFixed(1)} s)`,
  );
  return result.passed ? 0 : 1;
}

if (require.main === module) {
  gpuCheckMain(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(`gpu-check: ${(e as Error).message}`);
      process.exitCode = 2;
    },
  );
}
