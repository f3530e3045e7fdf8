import { existsSync, statSync } from 'node:fs';
import { cacheDirFrom } from '../sandbox/paths.js';
import { hubEnv } from './env.js';
import { githubCachePath } from './github.js';
import { cachedHubFiles } from './hub.js';
import { cachedDataset, recordedPin, type PrepareOptions } from './prepare.js';
import { datasetSpec, listDatasetNames, type DatasetSpec } from './registry.js';

export interface DatasetStatus {
  spec: DatasetSpec;
  cached: boolean;
  /** Commit of the cached copy. */
  revision?: string;
  /** Bytes of the cached files. */
  bytes?: number;
  /** Local files of the cached copy (repository path -> file). */
  files?: Record<string, string>;
  /** Decoded records and their hash, when a command or `data pull` prepared it here. */
  records?: string;
  sha256?: string;
  /** Rows of the prepared records. */
  rows?: number;
  /** For a name without a pin: the records hash recorded at its first download here (later downloads must match it). */
  recorded?: { sha256: string; revision: string };
}

/** What the caches hold for a name, without asking the network. */
export function datasetStatus(name: string, opts: PrepareOptions = {}): DatasetStatus {
  const spec = datasetSpec(name);
  const env = hubEnv(opts.env);
  let files: Record<string, string> | undefined;
  let revision: string | undefined;
  if (spec.source.kind === 'hub') {
    const hit = cachedHubFiles(env, { repo: spec.source.repo, revision: spec.source.revision, paths: spec.files.map((f) => f.path), ...(spec.listPattern ? { pattern: spec.listPattern } : {}) });
    if (hit) {
      files = Object.fromEntries(hit.files);
      revision = hit.commit;
    }
  } else {
    const cacheDir = cacheDirFrom(opts.cacheDir, opts.env);
    const src = spec.source;
    const local = spec.files.map((f) => [f.path, githubCachePath(cacheDir, src.repo, src.commit, f.path)] as const);
    if (local.every(([, f]) => existsSync(f))) {
      files = Object.fromEntries(local);
      revision = src.commit;
    }
  }
  const seen = recordedPin(spec.name, opts);
  const recorded = seen ? { recorded: seen } : {};
  if (!files) return { spec, cached: false, ...recorded };
  const prepared = cachedDataset(spec.name, opts);
  const same = prepared && prepared.revision === revision;
  return {
    spec, cached: true, revision, files, bytes: Object.values(files).reduce((n, f) => n + statSync(f).size, 0),
    ...(same ? { records: prepared.records, sha256: prepared.sha256, rows: prepared.rows } : {}), ...recorded,
  };
}

export function allStatuses(opts: PrepareOptions = {}): DatasetStatus[] {
  return listDatasetNames().map((n) => datasetStatus(n, opts));
}
