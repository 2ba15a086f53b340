// The public API of @rtlab/sdk: everything a plugin needs, and the only rtlab package a plugin must import.
export { RtlabErrorKind, RtlabError, isAbortError } from './errors/rtlab-error';
export { DType, TypedArray, HostTensor, FileTensor, FilePart, JsonValue, Artifact } from './artifacts/artifact';
export { sizeOf, dtypeOf, hostTensor, allocate, concatRows } from './artifacts/host-tensor';
export { ElementFormat, ELEMENT_FORMATS, decodeElements } from './artifacts/element-formats';
export {
  DatasetMeta,
  DatasetView,
  DATASET_IMAGES,
  DatasetParts,
  datasetArtifact,
  datasetProblems,
  datasetView,
  imageBatch,
  imageRows,
  targetColumn,
  labelsOf,
  sliceDataset,
  batchRanges,
} from './artifacts/dataset';
export { TensorRows, tensorRows, sliceFileTensor, rowBytesOf } from './artifacts/tensor-rows';
export { FileTensorWriter } from './artifacts/file-tensor-writer';
export {
  ScoreRow,
  scoresArtifact,
  scoreRows,
  scoreMeta,
  scoreColumns,
  LABELS_PARAM,
  scoresProblems,
} from './artifacts/scores';
export {
  AttackObjective,
  ATTACK_OBJECTIVES,
  AttackResultFields,
  attackResultArtifact,
  attackResultProblems,
} from './artifacts/attack-result';
export { contractProblems } from './artifacts/contracts';
export { BoundsFields, boundsArtifact, boundsProblems } from './artifacts/bounds';
export { FeaturesFields, featuresArtifact, featuresProblems } from './artifacts/features';
export { ModelFields, modelArtifact, modelProblems } from './artifacts/model';
export { TableCells, tableCells } from './artifacts/table';
export { HEAD_WEIGHT, HEAD_BIAS } from './artifacts/model-tensors';
export {
  decodeSafetensors,
  decodeSafetensorsShapes,
  encodeSafetensors,
  safetensorsChunks,
} from './safetensors/safetensors';
export { SeededRng } from './rng/seeded-rng';
export { sampleSeed } from './rng/sample-seed';
export { mean, standardDeviation, firstNonFinite, maximum } from './numeric/sample-stats';
export {
  PortSpec,
  PluginInputs,
  Sharding,
  ProducerInfo,
  AttackBall,
  DEFAULT_PART_BYTES,
  PluginContext,
  Plugin,
} from './plugin/plugin';
export { BACKEND_ORDER, BackendName, BackendInfo } from './plugin/backend-info';
export { DiskInput } from './plugin/disk-input';
export { PLUGIN, pluginModule } from './plugin/plugin-module';
export { standaloneContext } from './plugin/standalone-context';
export { abortPoint } from './plugin/abort-point';
export { ImageView, viewedShape } from './images/image-view';
export { resizeBilinear } from './images/resize-bilinear';
export { escapeHtml } from './text/escape-html';
