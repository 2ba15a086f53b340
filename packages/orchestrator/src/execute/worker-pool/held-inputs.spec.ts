import { Artifact } from '@rtlab/sdk';
import { PluginJob } from '../plugin-job';
import { HeldInputsPlanner, HeldInputsStore } from './held-inputs';

const artifact = (bytes: number, fill: number): Artifact => ({
  type: 'Model',
  meta: {},
  tensors: { w: { dtype: 'float32', shape: [bytes / 4], data: new Float32Array(bytes / 4).fill(fill) } },
});
const job = (inputs: PluginJob['inputs'], inputKeys: PluginJob['inputKeys']): PluginJob => ({
  kind: 'attack',
  plugin: 'p',
  params: {},
  inputs,
  inputKeys,
  nodeId: 'n',
  key: 'k',
  dataRoot: '',
  modelRoot: '',
});

/** An input's values as plain numbers (a structured clone's typed arrays come from another realm than jest's). */
const values = (inputs: PluginJob['inputs']) =>
  Object.fromEntries(
    Object.entries(inputs).map(([port, v]) => [
      port,
      [v].flat().map((a) => Array.from(a!.tensors.w.data as Float32Array)),
    ]),
  );

/** Sends the job through the planner to the store, as the pool and its worker thread do (a structured clone between them). */
function send(planner: HeldInputsPlanner, store: HeldInputsStore, j: PluginJob) {
  const { spec, held, copiedBytes } = planner.plan(j);
  return { resolved: store.resolve(structuredClone(spec), structuredClone(held)), copiedBytes };
}

describe('inputs held by a worker thread between jobs', () => {
  const weights = artifact(4000, 1);
  const data = [artifact(400, 2), artifact(400, 3)];

  it('sends an input once: later jobs send its key, and the worker resolves it to the same values', () => {
    const planner = new HeldInputsPlanner();
    const store = new HeldInputsStore();
    const first = send(planner, store, job({ model: weights, data: data[0] }, { model: 'W', data: 'D0' }));
    expect(first.copiedBytes).toBe(4400);
    const second = send(planner, store, job({ model: weights, data: data[1] }, { model: 'W' }));
    expect(second.copiedBytes).toBe(400);
    expect(values(second.resolved.inputs)).toEqual(values({ model: weights, data: data[1] }));
    const third = send(planner, store, job({ model: weights, data: data[0] }, { model: 'W', data: 'D0' }));
    expect([third.copiedBytes, values(third.resolved.inputs)]).toEqual([0, values({ model: weights, data: data[0] })]);
  });

  it('holds the artifacts of a many-input port by position', () => {
    const planner = new HeldInputsPlanner();
    const store = new HeldInputsStore();
    send(planner, store, job({ parts: data }, { parts: ['D0', 'D1'] }));
    const again = send(planner, store, job({ parts: [data[1], data[0]] }, { parts: ['D1', 'D0'] }));
    expect([again.copiedBytes, values(again.resolved.inputs)]).toEqual([0, values({ parts: [data[1], data[0]] })]);
  });

  it('lets the least recently used inputs go beyond its budget, and sends them again when needed', () => {
    const planner = new HeldInputsPlanner(4 * 1000);
    const store = new HeldInputsStore();
    const a = artifact(1000, 4);
    const b = artifact(1000, 5);
    const huge = artifact(4400, 6);
    expect(send(planner, store, job({ x: huge }, { x: 'H' })).copiedBytes).toBe(4400); // over the budget: never held
    expect(send(planner, store, job({ x: huge }, { x: 'H' })).copiedBytes).toBe(4400);
    send(planner, store, job({ x: a }, { x: 'A' }));
    for (let i = 0; i < 4; i++) send(planner, store, job({ x: artifact(1000, 10 + i) }, { x: `F${i}` }));
    const back = send(planner, store, job({ x: a, y: b }, { x: 'A', y: 'B' }));
    expect([back.copiedBytes, values(back.resolved.inputs)]).toEqual([2000, values({ x: a, y: b })]);
  });

  it('resolves one artifact given to two ports of a job, and holds it once', () => {
    const planner = new HeldInputsPlanner();
    const store = new HeldInputsStore();
    const first = send(planner, store, job({ model: weights, teacher: weights }, { model: 'W', teacher: 'W' }));
    expect(values(first.resolved.inputs)).toEqual(values({ model: weights, teacher: weights }));
    const second = send(planner, store, job({ model: weights, teacher: weights }, { model: 'W', teacher: 'W' }));
    expect([second.copiedBytes, values(second.resolved.inputs)]).toEqual([
      0,
      values({ model: weights, teacher: weights }),
    ]);
  });
});
