'use strict';
// The GPU bundle's one program (esbuild bundles it with everything it needs into rtlab.js):
// `node rtlab.js gpu-check STEP ...` runs one step of the GPU check; anything else is the rtlab CLI.
// The engine loads plugin packages by name at run time; in the bundle those names resolve to stubs in
// node_modules/@rtlab (written by build.js) that hand back the packages bundled here.
const PLUGIN_PACKAGES = {
  '@rtlab/plugin-datasets': () => require('@rtlab/plugin-datasets'),
  '@rtlab/plugin-models': () => require('@rtlab/plugin-models'),
  '@rtlab/plugin-transfer': () => require('@rtlab/plugin-transfer'),
  '@rtlab/plugin-attacks': () => require('@rtlab/plugin-attacks'),
  '@rtlab/plugin-bounds': () => require('@rtlab/plugin-bounds'),
  '@rtlab/plugin-reports': () => require('@rtlab/plugin-reports'),
};

exports.PLUGIN_PACKAGES = Object.keys(PLUGIN_PACKAGES);
exports.pluginPackage = (name) => PLUGIN_PACKAGES[name]();
/** The worker-thread side of the engine's worker pool (node-worker.js beside rtlab.js starts it). */
exports.workerThread = () => require('@rtlab/orchestrator/worker-thread');

if (require.main === module) {
  const [command, ...rest] = process.argv.slice(2);
  const run =
    command === 'gpu-check'
      ? require('@rtlab/bench/dist/gpu-check/main.js').gpuCheckMain(rest)
      : require('@rtlab/orchestrator').main(process.argv);
  run.then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(`error: ${e.message}`);
      process.exitCode = 2;
    },
  );
}
