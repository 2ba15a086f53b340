import { ProgressReporter } from '../../progress/progress-reporter';
import { JobProgress } from './job-progress';

const silent: ProgressReporter = {
  info: () => undefined,
  nodeStarted: () => undefined,
  nodeProgress: () => undefined,
  nodeFinished: () => undefined,
  close: () => undefined,
};
const fakeJob = () => {
  const published: unknown[] = [];
  return { published, job: { updateProgress: async (p: unknown) => void published.push(p) } };
};

describe("JobProgress: a worker publishes each plugin's progress to its own job", () => {
  it('gives two running jobs of the same label their own ids, so progress reaches the right job', () => {
    const progress = new JobProgress(silent);
    const [a, b] = [fakeJob(), fakeJob()];
    const first = progress.watch('as-random-linf', a.job);
    const second = progress.watch('as-random-linf', b.job);
    expect([first.id, second.id]).toEqual(['as-random-linf', 'as-random-linf#2']);
    progress.nodeProgress(second.id, 4, 4);
    progress.nodeProgress(first.id, 2, 2);
    expect([a.published, b.published]).toEqual([[{ done: 2, total: 2 }], [{ done: 4, total: 4 }]]);
    first.unwatch();
    progress.nodeProgress(second.id, 4, 4); // the other job keeps its channel when the first ends
    expect(b.published).toHaveLength(2);
  });

  it("throttles a job's updates but always publishes the last one", () => {
    const progress = new JobProgress(silent);
    const { published, job } = fakeJob();
    const { id } = progress.watch('n', job);
    for (let i = 1; i <= 5; i++) progress.nodeProgress(id, i, 10);
    progress.nodeProgress(id, 10, 10);
    expect(published).toEqual([
      { done: 1, total: 10 },
      { done: 10, total: 10 },
    ]);
  });
});
