import * as fs from 'node:fs';
import * as path from 'node:path';
import { CIFAR_TASK, projectCifarTask, Projection } from './projection';
import { workloadGroups } from './paper-workloads';
import { plan } from './plan';
import { readJson, StepResult, stepFile, writeJson } from './step-file';
import { WorkloadRow } from './workloads-step';

type Status = 'passed' | 'failed' | 'timed out' | 'not run' | 'skipped: no GPU adapter';

function statusOf(out: string, step: string, result?: StepResult): { status: Status; exit?: number } {
  const rcText = readText(path.join(out, 'steps', `${step}.rc`));
  if (rcText === 'skipped') return { status: 'skipped: no GPU adapter' };
  const exit = rcText === undefined ? undefined : Number(rcText);
  if (exit === 124 || exit === 137) return { status: 'timed out', exit };
  if (exit === undefined && !result) return { status: 'not run' };
  return {
    status: result?.passed && (exit === undefined || exit === 0) ? 'passed' : 'failed',
    ...(exit === undefined ? {} : { exit }),
  };
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The projection from the first group's (WideResNet-34-10's) encode and PGD-step rows of the largest batch that ran. */
function project(rows: WorkloadRow[], rate: (name: string) => number | undefined): Projection | { missing: string } {
  const pick = (kind: string) =>
    rows
      .filter((r) => r.spec.kind === kind && rate(r.name) !== undefined)
      .sort((a, b) => b.spec.batch - a.spec.batch)[0];
  const [encode, step] = [pick('encode'), pick('pgd-step')];
  if (!encode || !step) return { missing: 'no WideResNet-34-10 encode or PGD-step rate' };
  return projectCifarTask({ name: encode.name, rate: rate(encode.name)! }, { name: step.name, rate: rate(step.name)! });
}

/** Everything the steps found, in one JSON file (rewritten after every step), and whether the check passed. */
export function summarize(
  out: string,
  reportFile: string,
  rehearsal: boolean,
): { report: Record<string, unknown>; passed: boolean } {
  const steps = plan(rehearsal).map((s) => {
    const result = readJson<StepResult>(stepFile(out, s.name));
    return { name: s.name, limitS: s.limitS, result, ...statusOf(out, s.name, result) };
  });
  const find = (name: string) => steps.find((s) => s.name === name)?.result;
  const rows = steps
    .filter((s) => s.name.startsWith('workloads-'))
    .flatMap((s) => (s.result?.rows as WorkloadRow[] | undefined) ?? []);
  const torchRates = (find('torch')?.rates ?? {}) as Record<string, number | { error: string }>;
  const torchRate = (name: string) => (typeof torchRates[name] === 'number' ? (torchRates[name] as number) : undefined);
  const workloads = rows.map((r) => ({
    name: r.name,
    kind: r.spec.kind,
    network: r.spec.network,
    input: r.spec.input,
    batch: r.spec.batch,
    webgpu: r.imagesPerSecond ?? null,
    torch: torchRate(r.name) ?? null,
    ratio: r.imagesPerSecond !== undefined && torchRate(r.name) ? r.imagesPerSecond / torchRate(r.name)! : null,
    ...(r.error ? { error: r.error } : {}),
    ...(typeof torchRates[r.name] === 'object' ? { torchError: (torchRates[r.name] as { error: string }).error } : {}),
    warmUpS: r.warmUpS,
    timesS: r.timesS,
    tfPeakMiB: r.tfPeakMiB,
  }));
  const webgpuRate = (name: string) => rows.find((r) => r.name === name)?.imagesPerSecond;
  const wrnRows =
    (steps.find((s) => s.name === `workloads-${workloadGroups(rehearsal)[0].name}`)?.result?.rows as
      WorkloadRow[] | undefined) ?? [];
  const passed = steps.every((s) => s.status === 'passed');
  const report = {
    date: new Date().toISOString(),
    passed,
    ...(rehearsal ? { rehearsal: 'on a software adapter (--software), at tiny sizes: these are not GPU figures' } : {}),
    steps: Object.fromEntries(
      steps.map((s) => [
        s.name,
        {
          status: s.status,
          limitS: s.limitS,
          ...(s.exit !== undefined ? { exit: s.exit } : {}),
          ...(s.result?.seconds !== undefined ? { seconds: s.result.seconds } : {}),
          ...(s.result?.error ? { error: s.result.error } : {}),
        },
      ]),
    ),
    machine: find('machine') ?? null,
    adapter: find('adapter') ?? null,
    kernels: find('kernels') ?? null,
    workloads,
    torch: find('torch') ? { ...find('torch'), rates: undefined } : null,
    projection: {
      task: `CIFAR-100 -> CIFAR-10 with WideResNet-34-10: ${CIFAR_TASK.encodes} encodes, then PGD-${CIFAR_TASK.steps} on ${CIFAR_TASK.attackedImages} images on the representation and on the CE`,
      webgpu: project(wrnRows, webgpuRate),
      torch: project(wrnRows, torchRate),
    },
    pipeline: find('pipeline') ?? null,
    logs: Object.fromEntries(
      steps
        .map((s) => [
          s.name,
          readText(path.join(out, 'logs', `${s.name}.log`))
            ?.split('\n')
            .slice(-30)
            .join('\n'),
        ])
        .filter(([, log]) => log),
    ),
  };
  writeJson(reportFile, report);
  return { report, passed };
}

const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '–' : v.toFixed(digits));
const minutes = (p: Projection | { missing: string }) =>
  'missing' in p
    ? p.missing
    : `${p.totalMinutes.toFixed(1)} min (encode ${p.encodeMinutes.toFixed(1)}, attacks ${p.attackMinutes.toFixed(1)}; rates of ${p.from.encode}, ${p.from.pgdStep})`;

/** The check's result as a person reads it: each step, the workloads beside PyTorch, the projection. */
export function printSummary(report: Record<string, unknown>): void {
  const r = report as {
    steps: Record<string, { status: string; error?: string }>;
    workloads: { name: string; webgpu: number | null; torch: number | null; ratio: number | null; error?: string }[];
    projection: { webgpu: Projection; torch: Projection };
    adapter?: { adapter?: string };
    rehearsal?: string;
    pipeline?: { table?: string };
  };
  if (r.rehearsal) console.log(`REHEARSAL ${r.rehearsal}`);
  console.log(`adapter: ${r.adapter?.adapter ?? '–'}`);
  for (const [name, s] of Object.entries(r.steps))
    console.log(`${name.padEnd(22)} ${s.status}${s.error ? `: ${s.error}` : ''}`);
  console.log(
    `\n${'workload'.padEnd(40)} ${'webgpu img/s'.padStart(13)} ${'torch img/s'.padStart(13)} ${'ratio'.padStart(7)}`,
  );
  for (const w of r.workloads)
    console.log(
      `${w.name.padEnd(40)} ${fmt(w.webgpu).padStart(13)} ${fmt(w.torch).padStart(13)} ${fmt(w.ratio, 3).padStart(7)}${w.error ? `  ${w.error}` : ''}`,
    );
  console.log(
    `\nprojection, ${CIFAR_TASK.encodes} encodes + 2 x PGD-${CIFAR_TASK.steps} on ${CIFAR_TASK.attackedImages} CIFAR images with WRN-34-10:`,
  );
  console.log(`  webgpu: ${minutes(r.projection.webgpu)}\n  torch:  ${minutes(r.projection.torch)}`);
  if (r.pipeline?.table) console.log(`\nthe tiny pipeline's table:\n${r.pipeline.table.trim()}`);
}
