export { cachedDataset, clearPreparedMemo, datasetIdentity, isDatasetName, prepareDataset, type DatasetRef, type PrepareOptions } from './prepare.js';
export { datasetSpec, hardVariant, listDatasetNames, looksLikeDatasetName, type DatasetSpec } from './registry.js';
export { hubEnv, type HubEnv } from './env.js';
export { stderrProgress, noProgress, type ProgressFactory } from './progress.js';
export { canonicalJson, readRows, recordsSha256 } from './records.js';
