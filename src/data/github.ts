import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { InfraError, UserError } from '../util/errors.js';
import { githubRawBase } from './env.js';
import { notCachedError } from './hub.js';
import { countingResponse, noProgress, type ProgressFactory } from './progress.js';

/** Where a repository file at a commit is kept: `<cache>/github/<owner>--<repo>/<commit>/<path>`. */
export function githubCachePath(cacheDir: string, repo: string, commit: string, path: string): string {
  return join(cacheDir, 'github', repo.split('/').join('--'), commit, path);
}

export interface GithubFetch {
  cacheDir: string;
  repo: string;
  commit: string;
  path: string;
  offline: boolean;
  env?: NodeJS.ProcessEnv;
  progress?: ProgressFactory;
  label?: string;
}

/** A repository file from the raw-file endpoint, kept in our cache (written whole or not at all). */
export async function githubFile(req: GithubFetch): Promise<{ file: string; fromCache: boolean }> {
  const local = githubCachePath(req.cacheDir, req.repo, req.commit, req.path);
  if (existsSync(local)) return { file: local, fromCache: true };
  const what = req.label ?? `${req.repo}@${req.commit}/${req.path}`;
  if (req.offline) throw notCachedError(what, 'HF_HUB_OFFLINE is set');
  const base = githubRawBase(req.env);
  const url = `${base}/${req.repo}/${req.commit}/${req.path}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw notCachedError(what, `${base} cannot be reached (${(err as Error).message}; set CODECONV_GITHUB_RAW to a mirror)`);
  }
  if (res.status === 404) throw new UserError('ENTRY_NOT_FOUND', `${url}: no such file (404)`);
  if (!res.ok || !res.body) throw new InfraError('DOWNLOAD_FAILED', `${url}: HTTP ${res.status}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const counted = countingResponse(res, (req.progress ?? noProgress)(req.path.split('/').pop()!, total));
  mkdirSync(dirname(local), { recursive: true });
  // Each process writes its own temporary file; rename makes the finished file appear at once.
  const tmp = `${local}.${process.pid}.incomplete`;
  try {
    await pipeline(Readable.fromWeb(counted.body as WebReadableStream<Uint8Array>), createWriteStream(tmp));
    renameSync(tmp, local);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new InfraError('DOWNLOAD_FAILED', `${url}: download interrupted (${(err as Error).message}); run the command again to fetch it`);
  }
  return { file: local, fromCache: false };
}
