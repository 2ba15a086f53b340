import { ArtifactCache } from '../../cache/artifact-cache';
import { CacheKey } from '../../cache/cache-key';
import { ProgressReporter } from '../../progress/progress-reporter';
import { explainMiss, previousKeys } from '../../run/explain-miss';
import { ResolvedPipeline } from '../../validate/resolved-pipeline';

/** `--explain`: for each node, cached, or why it misses (what changed since the pipeline's last run). */
export function explainMisses(
  pipeline: ResolvedPipeline,
  keys: Map<string, CacheKey>,
  cache: ArtifactCache,
  runsDir: string,
  reporter: ProgressReporter,
): void {
  const previous = previousKeys(runsDir, pipeline.name);
  for (const [id, k] of keys) {
    if (cache.has(k.key)) {
      reporter.info(`explain ${id}: cached as ${k.key.slice(0, 12)}`);
      continue;
    }
    const prev = previous.get(id);
    const why =
      prev === k.key ? 'its entry is missing (removed or corrupt)' : explainMiss(id, k.canonical, prev, cache);
    reporter.info(`explain ${id}: miss (${k.key.slice(0, 12)}): ${why}`);
  }
}
