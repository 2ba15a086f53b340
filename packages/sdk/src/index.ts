// The public API of @rtlab/sdk: everything a plugin needs, and the only rtlab package a plugin must import.
export * from './errors/rtlab-error';
export * from './artifacts/artifact';
export * from './artifacts/host-tensor';
export * from './artifacts/element-formats';
export * from './artifacts/dataset';
export { TensorRows, tensorRows, sliceFileTensor, rowBytesOf } from './artifacts/tensor-rows';
export { FileTensorWriter } from './artifacts/file-tensor-writer';
export * from './artifacts/scores';
export {
  AttackObjective,
  ATTACK_OBJECTIVES,
  AttackResultFields,
  attackResultArtifact,
  attackResultProblems,
} from './artifacts/attack-result';
export { contractProblems } from './artifacts/contracts';
export * from './artifacts/table';
export * from './artifacts/model-tensors';
export {
  decodeSafetensors,
  decodeSafetensorsShapes,
  encodeSafetensors,
  safetensorsChunks,
} from './safetensors/safetensors';
export * from './rng/seeded-rng';
export * from './rng/sample-seed';
export * from './numeric/sample-stats';
export * from './plugin/plugin';
export * from './plugin/backend-info';
export * from './plugin/disk-input';
export { PLUGIN, pluginModule } from './plugin/plugin-module';
export { standaloneContext } from './plugin/standalone-context';
export { abortPoint } from './plugin/abort-point';
export { ImageView, viewedShape } from './images/image-view';
export { resizeBilinear } from './images/resize-bilinear';
export { escapeHtml } from './text/escape-html';
