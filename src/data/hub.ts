import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetInfo, downloadFileToCacheDir, listFiles } from '@huggingface/hub';
import { InfraError, UserError } from '../util/errors.js';
import type { HubEnv } from './env.js';
import { withLock } from './lock.js';
import { countingResponse, noProgress, type ProgressFactory } from './progress.js';

const COMMIT_RE = /^[0-9a-f]{40}$/;

/** Python's folder name for a dataset repository in the Hub cache. */
export function repoFolder(hubCache: string, repo: string): string {
  return join(hubCache, `datasets--${repo.split('/').join('--')}`);
}

export interface HubFiles {
  commit: string;
  /** Repository path -> snapshot path in the cache. */
  files: Map<string, string>;
  fromCache: boolean;
}

export interface HubRequest {
  repo: string;
  revision: string;
  /** Files to fetch; `pattern` lists the revision's tree and adds every match. */
  paths: string[];
  pattern?: RegExp;
  /** The data set name errors should give (default repo@revision). */
  label?: string;
}

/** The error a missing dataset gives when the Hub cannot be asked. */
export function notCachedError(what: string, why: string): UserError {
  return new UserError('DATA_NOT_CACHED', `${what} is not in the cache and ${why}: run \`codeconv-data pull ${what}\` where the Hub is reachable, or set HF_ENDPOINT to a mirror`);
}

/** Offline lookup, as Python does it: refs/{revision} -> commit -> snapshots/{commit}/{path}. */
export function cachedHubFiles(env: HubEnv, req: HubRequest): HubFiles | undefined {
  const folder = repoFolder(env.hubCache, req.repo);
  let commit = req.revision;
  if (!COMMIT_RE.test(commit)) {
    const ref = join(folder, 'refs', req.revision);
    if (!existsSync(ref)) return undefined;
    commit = readFileSync(ref, 'utf8').trim();
  }
  const snap = join(folder, 'snapshots', commit);
  const paths = [...req.paths];
  if (req.pattern) paths.push(...walk(snap).filter((p) => req.pattern!.test(p)));
  if (!paths.length) return undefined;
  const files = new Map<string, string>();
  for (const p of paths) {
    const local = join(snap, p);
    if (!existsSync(local)) return undefined;
    files.set(p, local);
  }
  return { commit, files, fromCache: true };
}

function walk(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out.push(...walk(full, rel));
    else out.push(rel);
  }
  return out;
}

function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError && /fetch failed|terminated|network/i.test(err.message);
}

function apiStatus(err: unknown): number | undefined {
  const s = (err as { statusCode?: number }).statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** Fetches (or finds) the files of a Hub dataset repository, in Python's cache layout. */
export async function hubFiles(env: HubEnv, req: HubRequest, progress: ProgressFactory = noProgress): Promise<HubFiles> {
  const what = req.label ?? `${req.repo}@${req.revision}`;
  if (env.offline) {
    const hit = cachedHubFiles(env, req);
    if (!hit) throw notCachedError(what, 'HF_HUB_OFFLINE is set');
    return hit;
  }
  const common = { repo: { type: 'dataset' as const, name: req.repo }, hubUrl: env.endpoint, ...(env.token ? { accessToken: env.token } : {}) };
  let commit: string;
  try {
    // A branch is resolved to its commit first, so files land under that commit and refs/ points at it.
    commit = COMMIT_RE.test(req.revision) ? req.revision : ((await datasetInfo({ name: req.repo, revision: req.revision, additionalFields: ['sha'], hubUrl: env.endpoint, ...(env.token ? { accessToken: env.token } : {}) })) as { sha: string }).sha;
  } catch (err) {
    if (isNetworkError(err)) {
      const hit = cachedHubFiles(env, req);
      if (hit) return hit;
      throw notCachedError(what, `the Hub at ${env.endpoint} cannot be reached`);
    }
    throw hubError(err, what, env);
  }
  if (!COMMIT_RE.test(commit ?? '')) throw new InfraError('HUB_BAD_REPLY', `${env.endpoint}: no commit sha for ${what}`);
  const folder = repoFolder(env.hubCache, req.repo);
  if (commit !== req.revision) {
    mkdirSync(join(folder, 'refs'), { recursive: true });
    writeFileSync(join(folder, 'refs', req.revision), commit);
  }
  const paths = [...req.paths];
  if (req.pattern) {
    try {
      for await (const entry of listFiles({ ...common, revision: commit, recursive: true })) {
        if (entry.type === 'file' && req.pattern.test(entry.path)) paths.push(entry.path);
      }
    } catch (err) {
      throw hubError(err, what, env);
    }
    if (!paths.length) throw new UserError('DATA_NO_FILES', `${what} (commit ${commit.slice(0, 12)}): no file matches ${req.pattern}`);
  }
  const files = new Map<string, string>();
  for (const path of paths) files.set(path, await fetchOne(env, req.repo, commit, path, progress));
  return { commit, files, fromCache: false };
}

async function fetchOne(env: HubEnv, repo: string, commit: string, path: string, progress: ProgressFactory): Promise<string> {
  const folder = repoFolder(env.hubCache, repo);
  const pointer = join(folder, 'snapshots', commit, path);
  if (existsSync(pointer)) return pointer;
  const common = { repo: { type: 'dataset' as const, name: repo }, hubUrl: env.endpoint, revision: commit, path, ...(env.token ? { accessToken: env.token } : {}) };
  const meta = await fileMetadata(env, repo, commit, path);
  if (meta.commit && meta.commit !== commit) throw new InfraError('HUB_BAD_REPLY', `${env.endpoint}: asked for commit ${commit}, served ${meta.commit}`);
  const { etag } = meta;
  const info = { size: meta.size };
  const blob = join(folder, 'blobs', etag);
  const lockDir = join(env.hubCache, '.locks', `datasets--${repo.split('/').join('--')}`, `${etag}.codeconv-lock`);
  return withLock(lockDir, async () => {
    if (existsSync(pointer)) return pointer;
    const bar = progress(path.split('/').pop()!, info.size);
    const counted: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const ranged = init?.headers && 'Range' in (init.headers as Record<string, string>);
      return ranged || !res.ok ? res : countingResponse(res, bar);
    };
    // The client announces each download with console.debug, which would land in our stdout.
    const debug = console.debug;
    console.debug = () => {};
    try {
      const out = await downloadFileToCacheDir({ ...common, cacheDir: env.hubCache, fetch: counted });
      const got = statSync(out).size;
      if (got !== info.size) {
        rmSync(out, { force: true });
        rmSync(blob, { force: true });
        throw new InfraError('HUB_SHORT_FILE', `${repo}/${path}: got ${got} bytes, expected ${info.size}; run the command again to fetch it`);
      }
      return out;
    } catch (err) {
      // A dropped connection leaves nothing half-written: the next pull starts the file afresh.
      rmSync(`${blob}.incomplete`, { force: true });
      if (err instanceof UserError || err instanceof InfraError) throw err;
      if (isNetworkError(err) || (err as Error).name === 'AbortError' || /terminated|aborted|other side closed/i.test(String((err as Error).message))) {
        throw new InfraError('HUB_DOWNLOAD_FAILED', `${repo}/${path}: download interrupted (${(err as Error).message}); run the command again to fetch it`);
      }
      throw hubError(err, `${repo}@${commit.slice(0, 12)}`, env);
    } finally {
      console.debug = debug;
    }
  });
}

function hubError(err: unknown, what: string, env: HubEnv): Error {
  const status = apiStatus(err);
  if (status === 401 || status === 403) {
    return new UserError('HUB_AUTH', `${what}: the Hub refused access (${status})${env.token ? ' with the token given' : ''}: the repository is gated or private; accept its terms on the Hub and set HF_TOKEN (or log in with huggingface-cli)`);
  }
  if (status === 404) return new UserError('HUB_NOT_FOUND', `${what}: not found on ${env.endpoint} (${(err as Error).message.split('\n')[0]})`);
  if (isNetworkError(err)) return new InfraError('HUB_UNREACHABLE', `${what}: the Hub at ${env.endpoint} cannot be reached (${(err as Error).message})`);
  return new InfraError('HUB_ERROR', `${what}: ${(err as Error).message.split('\n')[0]}`);
}

/** What a HEAD on the file says before any byte moves (as Python asks it: redirects not followed). */
export async function fileMetadata(env: HubEnv, repo: string, revision: string, path: string): Promise<{ commit: string | null; etag: string; size: number }> {
  const url = `${env.endpoint}/datasets/${repo}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'HEAD', redirect: 'manual', headers: env.token ? { Authorization: `Bearer ${env.token}` } : {} });
  } catch (err) {
    throw hubError(err, `${repo}@${revision.slice(0, 12)}`, env);
  }
  const what = `${repo}@${revision.slice(0, 12)}`;
  if (res.status === 404 && res.headers.get('X-Error-Code') === 'EntryNotFound') throw new UserError('ENTRY_NOT_FOUND', `${what}: no file ${path} (EntryNotFound)`);
  if (res.status === 401 || res.status === 403 || res.status === 404) throw hubError(Object.assign(new Error(`HTTP ${res.status} ${res.headers.get('X-Error-Code') ?? ''}`.trim()), { statusCode: res.status }), what, env);
  if (!(res.ok || (res.status >= 300 && res.status < 400))) throw new InfraError('HUB_ERROR', `${what}: HTTP ${res.status} for ${path}`);
  const raw = res.headers.get('X-Linked-Etag') ?? res.headers.get('ETag');
  const size = Number(res.headers.get('X-Linked-Size') ?? res.headers.get('Content-Length'));
  if (!raw || !Number.isFinite(size)) throw new InfraError('HUB_BAD_REPLY', `${what}: no ETag or size for ${path}`);
  return { commit: res.headers.get('X-Repo-Commit'), etag: raw.replace(/^W\//, '').replace(/"/g, ''), size };
}
