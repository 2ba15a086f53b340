import { RtlabError } from '@rtlab/orchestrator';
import { Architecture } from './architecture';
import { dspritesCnn } from './dsprites-cnn';
import { linear } from './linear';

const ARCHITECTURES = new Map<string, Architecture>([dspritesCnn, linear].map((a) => [a.name, a]));

export function architecture(name: string): Architecture {
  const a = ARCHITECTURES.get(name);
  if (!a) throw new RtlabError('input', `unknown architecture "${name}"; known: ${[...ARCHITECTURES.keys()].join(', ')}`);
  return a;
}

export function registerArchitecture(a: Architecture): void {
  ARCHITECTURES.set(a.name, a);
}
