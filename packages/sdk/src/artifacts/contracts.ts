import { Artifact } from './artifact';
import { attackResultProblems } from './attack-result';
import { boundsProblems } from './bounds';
import { datasetProblems } from './dataset';
import { scoresProblems } from './scores';
import { featuresProblems } from './features';
import { modelProblems } from './model';

/** The artifact types whose contract the SDK spells out field by field (the others: their type and tensors). */
const CONTRACTS: Record<string, (a: Artifact) => string[]> = {
  AttackResult: attackResultProblems,
  Bounds: boundsProblems,
  Dataset: datasetProblems,
  Scores: scoresProblems,
  Features: featuresProblems,
  Model: modelProblems,
};

/** Every way an artifact breaks its type's contract; the engine checks each node's output with it. */
export function contractProblems(a: Artifact): string[] {
  return CONTRACTS[a.type]?.(a) ?? [];
}
