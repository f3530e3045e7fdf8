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
  /** The records' files in the order their rows were read (repository path, rows): a row number names its file. */
  parts?: { path: string; rows: number }[];
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

/**
 * The files whose rows make the records: the registry's records file, or for a listed data set
 * every listed shard in path order (the parquet ones when the tree holds both forms).
 */
function recordsPaths(spec: DatasetSpec, files: Record<string, string>): string[] {
  const fixed = spec.files.find((f) => f.role === 'records')?.path;
  if (fixed) return [fixed];
  const listed = Object.keys(files).sort();
  const parquet = listed.filter(isParquet);
  return parquet.length ? parquet : listed;
}

function recordedPinsFile(cacheDir: string): string {
  return join(cacheDir, 'datasets', 'recorded-pins.json');
}

function recordedPins(cacheDir: string): Record<string, { sha256: string; revision: string }> {
  const file = recordedPinsFile(cacheDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { sha256: string; revision: string }>) : {};
}

/** The records hash an unpinned name got at its first download on this machine (trust on first use), if any. */
export function recordedPin(name: string, opts: PrepareOptions = {}): { sha256: string; revision: string } | undefined {
  return recordedPins(cacheDirFrom(opts.cacheDir, opts.env))[name];
}

async function checkNamed(spec: DatasetSpec, revision: string, files: Record<string, string>, cacheDir: string): Promise<DatasetRef> {
  const paths = recordsPaths(spec, files);
  const sources = paths.map((p) => files[p]!);
  const bytes = sources.reduce((n, f) => n + statSync(f).size, 0);
  const manifest = manifestFile(cacheDir, spec.name);
  const prior = cachedDataset(spec.name, { cacheDir });
  // Already checked for this commit and these bytes: reading 7 MB again would only cost time.
  if (prior && prior.revision === revision && paths.every((p) => prior.files[p] === files[p]) && bytes === (prior as DatasetRef & { bytes?: number }).bytes) return prior;
  for (const f of spec.files.filter((x) => x.role === 'extra' && x.sha256)) {
    const got = createHash('sha256').update(readFileSync(files[f.path]!)).digest('hex');
    if (got !== f.sha256) throw mismatch(spec.name, f.path, f.sha256!, got, revision);
  }
  const parts: { path: string; rows: number }[] = [];
  const rows: Record<string, unknown>[] = [];
  for (const [i, source] of sources.entries()) {
    const got = await readRows(source);
    parts.push({ path: paths[i]!, rows: got.length });
    for (const r of got) rows.push(r);
  }
  const sha256 = recordsSha256(rows, spec.hashFields);
  const pin = spec.files.find((f) => f.path === paths[0])?.sha256;
  let check: DatasetRef['check'] = 'pinned';
  if (pin) {
    if (pin !== sha256) throw mismatch(spec.name, paths[0]!, pin, sha256, revision);
  } else {
    check = 'recorded';
    const pins = recordedPins(cacheDir);
    const seen = pins[spec.name];
    if (seen && seen.sha256 !== sha256) {
      throw new UserError('DATASET_HASH_MISMATCH', `${spec.name}: records hash ${sha256} (commit ${revision.slice(0, 12)}) differ from ${seen.sha256} recorded at its first download (commit ${seen.revision.slice(0, 12)}); remove its entry from ${recordedPinsFile(cacheDir)} to accept the new version`);
    }
    if (!seen) writeAtomic(recordedPinsFile(cacheDir), JSON.stringify({ ...pins, [spec.name]: { sha256, revision } }, null, 2) + '\n');
  }
  // One JSON lines file as it came is read in place; parquet or several shards are written decoded, in order.
  const records = sources.length === 1 && !isParquet(sources[0]!) ? sources[0]! : writeDecoded(cacheDir, sha256, rows);
  const ref: DatasetRef & { bytes: number } = {
    version: DATASET_REF_VERSION, name: spec.name, kind: 'named', revision, sha256, check, records, files, rows: rows.length, licence: spec.licence,
    parts, bytes,
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
