import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root, from either src/sandbox (tests) or dist/sandbox (built CLI). */
export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Directory holding the judge launcher judge.py and its package (mounted read-only into containers). */
export function judgeDir(): string {
  return join(projectRoot, 'src', 'sandbox', 'python');
}

/** The judge's package directory, beside the launcher. */
const JUDGE_PACKAGE = 'codeconv_judge';

/** Same hash as scripts/build-image.sh: sha256 over "sha  ./path" lines of the recipe's files. */
export function recipeHash(recipe = 'bigcodebench'): string {
  const dir = join(projectRoot, 'envs', recipe);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push('./' + relative(dir, full));
    }
  };
  walk(dir);
  // `LC_ALL=C sort` orders by bytes, which is what plain string comparison of ASCII paths gives.
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = files
    .map((f) => `${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}  ${f}\n`)
    .join('');
  return createHash('sha256').update(lines).digest('hex').slice(0, 12);
}

export function defaultImage(recipe = 'bigcodebench'): string {
  return `codeconv-${recipe}:${recipeHash(recipe)}`;
}

export function judgeScriptExists(): boolean {
  return existsSync(join(judgeDir(), 'judge.py'));
}

/** Files of the judge program: the launcher and every module of its package, in a fixed order. */
export function judgeFiles(): string[] {
  const pkg = readdirSync(join(judgeDir(), JUDGE_PACKAGE)).filter((f) => f.endsWith('.py')).sort();
  return ['judge.py', ...pkg.map((f) => `${JUDGE_PACKAGE}/${f}`)];
}

let judgeHashMemo: string | undefined;
/** Hash of the judge program: results judged by another version of it are not reused. */
export function judgeHash(): string {
  if (judgeHashMemo === undefined) {
    const h = createHash('sha256');
    for (const f of judgeFiles()) h.update(`${f}\0`).update(readFileSync(join(judgeDir(), f))).update('\0');
    judgeHashMemo = h.digest('hex').slice(0, 12);
  }
  return judgeHashMemo;
}

const assetMemo = new Map<string, string>();
/** Text of a Python program kept beside the judge (e.g. reasoning/case2code.py), read once. */
export function judgeAsset(relPath: string): string {
  let text = assetMemo.get(relPath);
  if (text === undefined) {
    text = readFileSync(join(judgeDir(), relPath), 'utf8');
    assetMemo.set(relPath, text);
  }
  return text;
}

/**
 * Where caches go: $CODECONV_CACHE_DIR, else $XDG_CACHE_HOME/codeconv-eval, else
 * ~/.cache/codeconv-eval; never inside the package, which may be read-only or reinstalled.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CODECONV_CACHE_DIR) return resolve(env.CODECONV_CACHE_DIR);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'codeconv-eval');
}

/** A configured cache directory: `auto` (or nothing) is userCacheDir(); a path is taken from the working directory. */
export function cacheDirFrom(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return !configured || configured === 'auto' ? userCacheDir(env) : resolve(configured);
}
