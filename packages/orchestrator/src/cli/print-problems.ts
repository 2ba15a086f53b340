import { formatProblem, Problem } from '../validate/problem';

export function printProblems(problems: Problem[]): void {
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  const files = new Set(problems.map((p) => p.file)).size;
  process.stderr.write(
    `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}\n`,
  );
}
