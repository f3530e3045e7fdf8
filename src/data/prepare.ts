import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDirFrom } from '../sandbox/paths.js';
import { UserError } from '../util/errors.js';
import { hubEnv } from './env.js';
import { githubFile } from './github.js';
import { hubFiles } from './hub.js';
import { noProgress, type ProgressFactory } from './progress.js';
import { canonicalJson, isParquet, readRows, recordsSha256 } from './records.js';
import { datasetSpec, looksLikeDatasetName, type DatasetSpec } from './registry.js';

export const DATASET_REF_VERSION = 1;

/** A data set ready to read: where its records are, and the identity a run records. */
export interface DatasetRef {
  version: number;
  /** The name as given (`bigcodebench@v0.1.4`), or the file's absolute path. */
  name: string;
  kind: 'named' | 'file';
  /** Commit the files came from (Hub or GitHub); null for a file. */
  revision: string | null;
  /** sha256 of the decoded records (see records.ts). */
  sha256: string;
  /** pinned: matched the name's pin; recorded: no pin known, hash recorded at first download; file: a user's file. */
  check: 'pinned' | 'recorded' | 'file';
  /** JSON lines file holding the records (a decoded copy when the source is parquet). */
  records: string;
  /** Repository path -> local file. */
  files: Record<string, string>;
  rows: number;
  licence?: string;
}

export interface PrepareOptions {
  env?: NodeJS.ProcessEnv;
  /** Configured cache directory (`auto` or unset: the user's cache directory). */
  cacheDir?: string;
  progress?: ProgressFactory;
}

/** The identity fields a run records for its data set. */
export function datasetIdentity(ref: DatasetRef): { name: string; revision: string | null; sha256: string } {
  return { name: ref.name, revision: ref.revision, sha256: ref.sha256 };
}

const memo = new Map<string, DatasetRef>();

/** Is this text a data set name (rather than a file path)? A path that exists is always a path. */
export function isDatasetName(text: string): boolean {
  return looksLikeDatasetName(text) && !existsSync(text);
}

function manifestFile(cacheDir: string, name: string): string {
  return join(cacheDir, 'datasets', `${name.replace(/[^\w.@-]+/g, '_')}.json`);
}

/** The data set a name stood for when it was last prepared on this machine (no network), if any. */
export function cachedDataset(name: string, opts: PrepareOptions = {}): DatasetRef | undefined {
  const hit = memo.get(name);
  if (hit) return hit;
  const file = manifestFile(cacheDirFrom(opts.cacheDir, opts.env), name);
  if (!existsSync(file)) return undefined;
  const ref = JSON.parse(readFileSync(file, 'utf8')) as DatasetRef;
  return ref.version === DATASET_REF_VERSION && existsSync(ref.records) ? ref : undefined;
}

/**
 * Makes a data set readable: a name is fetched (or found in the cache) and its decoded records
 * checked against the pin; a file path is read as it is (JSON lines or parquet).
 */
export async function prepareDataset(nameOrPath: string, opts: PrepareOptions = {}): Promise<DatasetRef> {
  const cacheDir = cacheDirFrom(opts.cacheDir, opts.env);
  if (!isDatasetName(nameOrPath)) return prepareFile(resolve(nameOrPath), cacheDir);
  const spec = datasetSpec(nameOrPath);
  const hit = memo.get(spec.name);
  if (hit) return hit;
  const env = hubEnv(opts.env);
  const progress = opts.progress ?? noProgress;
  let revision: string;
  const files: Record<string, string> = {};
  if (spec.source.kind === 'hub') {
    const got = await hubFiles(env, { repo: spec.source.repo, revision: spec.source.revision, paths: spec.files.map((f) => f.path), label: spec.name, ...(spec.listPattern ? { pattern: spec.listPattern } : {}) }, progress);
    revision = got.commit;
    for (const [p, f] of got.files) files[p] = f;
  } else {
    revision = spec.source.commit;
    for (const f of spec.files) {
      files[f.path] = (await githubFile({ cacheDir, repo: spec.source.repo, commit: revision, path: f.path, offline: env.offline, env: opts.env, progress, label: spec.name })).file;
    }
  }
  const ref = await checkNamed(spec, revision, files, cacheDir);
  memo.set(spec.name, ref);
  return ref;
}

async function checkNamed(spec: DatasetSpec, revision: string, files: Record<string, string>, cacheDir: string): Promise<DatasetRef> {
  const recordsPath = spec.files.find((f) => f.role === 'records')?.path ?? Object.keys(files).sort()[0]!;
  const source = files[recordsPath]!;
  const manifest = manifestFile(cacheDir, spec.name);
  const prior = cachedDataset(spec.name, { cacheDir });
  // Already checked for this commit and these bytes: reading 7 MB again would only cost time.
  if (prior && prior.revision === revision && prior.files[recordsPath] === source && statSync(source).size === (prior as DatasetRef & { bytes?: number }).bytes) return prior;
  for (const f of spec.files.filter((x) => x.role === 'extra' && x.sha256)) {
    const got = createHash('sha256').update(readFileSync(files[f.path]!)).digest('hex');
    if (got !== f.sha256) throw mismatch(spec.name, f.path, f.sha256!, got, revision);
  }
  const rows = await readRows(source);
  const sha256 = recordsSha256(rows, spec.hashFields);
  const pin = spec.files.find((f) => f.path === recordsPath)?.sha256;
  let check: DatasetRef['check'] = 'pinned';
  if (pin) {
    if (pin !== sha256) throw mismatch(spec.name, recordsPath, pin, sha256, revision);
  } else {
    check = 'recorded';
    const pinsFile = join(cacheDir, 'datasets', 'recorded-pins.json');
    const pins = existsSync(pinsFile) ? (JSON.parse(readFileSync(pinsFile, 'utf8')) as Record<string, { sha256: string; revision: string }>) : {};
    const seen = pins[spec.name];
    if (seen && seen.sha256 !== sha256) {
      throw new UserError('DATASET_HASH_MISMATCH', `${spec.name}: records hash ${sha256} (commit ${revision.slice(0, 12)}) differ from ${seen.sha256} recorded at its first download (commit ${seen.revision.slice(0, 12)}); remove its entry from ${pinsFile} to accept the new version`);
    }
    if (!seen) writeAtomic(pinsFile, JSON.stringify({ ...pins, [spec.name]: { sha256, revision } }, null, 2) + '\n');
  }
  const records = isParquet(source) ? writeDecoded(cacheDir, sha256, rows) : source;
  const ref: DatasetRef & { bytes: number } = {
    version: DATASET_REF_VERSION, name: spec.name, kind: 'named', revision, sha256, check, records, files, rows: rows.length, licence: spec.licence,
    bytes: statSync(source).size,
  };
  writeAtomic(manifest, JSON.stringify(ref, null, 2) + '\n');
  return ref;
}

function mismatch(name: string, path: string, want: string, got: string, revision: string): UserError {
  return new UserError('DATASET_HASH_MISMATCH', `${name}: ${path} at ${revision.slice(0, 12)} hashes ${got}, but the name pins ${want}: refusing another version of the data`);
}

async function prepareFile(file: string, cacheDir: string): Promise<DatasetRef> {
  if (!existsSync(file)) throw new UserError('ENOENT', `${file}: no such file (and not a data set name; see \`data list\`)`);
  if (statSync(file).isDirectory()) throw new UserError('EISDIR', `${file}: is a directory, not a file`);
  const rows = await readRows(file);
  const sha256 = recordsSha256(rows);
  return {
    version: DATASET_REF_VERSION, name: file, kind: 'file', revision: null, sha256, check: 'file',
    records: isParquet(file) ? writeDecoded(cacheDir, sha256, rows) : file, files: { [file]: file }, rows: rows.length,
  };
}

function writeDecoded(cacheDir: string, sha256: string, rows: Record<string, unknown>[]): string {
  const out = join(cacheDir, 'decoded', `${sha256}.jsonl`);
  if (!existsSync(out)) writeAtomic(out, rows.map((r) => canonicalJson(r)).join('\n') + '\n');
  return out;
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Forgets what this process prepared (tests switch caches between cases). */
export function clearPreparedMemo(): void {
  memo.clear();
}
