// The public API of @rtlab/orchestrator, the engine: for the `rtlab` bin and for scripts that drive runs.
// Plugins never import it; they import @rtlab/sdk.
export { main } from './cli/main';
export { loadConfig, RtlabConfig } from './config/rtlab-config';
export { pluginRegistry } from './plugins/load-plugin-modules';
export { PluginRegistry } from './plugins/plugin-registry';
export { validatePipelineFile, validatePipelineText } from './validate/validate-pipeline';
export { formatProblem, Problem } from './validate/problem';
export { ResolvedPipeline, ResolvedNode } from './validate/resolved-pipeline';
export { ArtifactCache } from './cache/artifact-cache';
export { PipelineRun, runPipeline, RunOptions, RunSummary, NodeResult } from './run/run-pipeline';
export { Executor } from './execute/executor';
export { InProcessExecutor } from './execute/in-process-executor';
export { WorkerPool } from './execute/worker-pool/worker-pool';
export { PluginJob, JobResult } from './execute/plugin-job';
export { LineReporter, ProgressReporter } from './progress/progress-reporter';
