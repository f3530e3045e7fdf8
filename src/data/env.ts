import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';

/** The Hub settings Python's huggingface_hub reads from the environment, read the same way. */
export interface HubEnv {
  endpoint: string;
  token?: string;
  home: string;
  hubCache: string;
  offline: boolean;
}

const TRUE = new Set(['1', 'on', 'yes', 'true']);

function xdgCache(env: NodeJS.ProcessEnv): string {
  return env.XDG_CACHE_HOME || join(homedir(), '.cache');
}

export function hubEnv(env: NodeJS.ProcessEnv = process.env): HubEnv {
  const home = resolve(env.HF_HOME || join(xdgCache(env), 'huggingface'));
  const hubCache = resolve(env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || join(home, 'hub'));
  let token = env.HF_TOKEN || undefined;
  if (!token) {
    try {
      token = readFileSync(join(home, 'token'), 'utf8').trim() || undefined;
    } catch {
      token = undefined;
    }
  }
  const offline = [env.HF_HUB_OFFLINE, env.HF_DATASETS_OFFLINE].some((v) => v !== undefined && TRUE.has(v.trim().toLowerCase()));
  return { endpoint: (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, ''), ...(token ? { token } : {}), home, hubCache, offline };
}

/** Base URL of raw repository files (GitHub's); a test or a mirror replaces it. */
export function githubRawBase(env: NodeJS.ProcessEnv = process.env): string {
  return (env.CODECONV_GITHUB_RAW || 'https://raw.githubusercontent.com').replace(/\/+$/, '');
}
