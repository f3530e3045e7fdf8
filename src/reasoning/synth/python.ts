import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../sandbox/paths.js';
import { restrictions } from '../case2code.js';
import type { CheckItem, CheckResult, Sandbox } from '../../sandbox/types.js';
import { InfraError } from '../../util/errors.js';

/** Directory of the pipeline's Python helpers (shipped in the package beside src/sandbox/python). */
export function synthPythonDir(): string {
  return join(projectRoot, 'src', 'reasoning', 'synth', 'python');
}

const sources = new Map<string, string>();
function helper(name: 'synth_ast.py' | 'synth_exec.py'): string {
  let s = sources.get(name);
  if (s === undefined) {
    s = readFileSync(join(synthPythonDir(), name), 'utf8');
    if (name === 'synth_exec.py') s = `${restrictions()}\n\n${s}`;
    sources.set(name, s);
  }
  return s;
}

/**
 * A check program: the helper module's text, then one call whose JSON argument is embedded as a
 * Python string literal (JSON string syntax is valid Python) and whose answer goes to __result__.
 */
export function helperCheck(file: 'synth_ast.py' | 'synth_exec.py', fn: string, arg: unknown, timeoutS: number): CheckItem {
  const literal = JSON.stringify(JSON.stringify(arg));
  return { code: `${helper(file)}\n\n__result__ = ${fn}(json.loads(${literal}))\n`, timeoutS };
}

/** Runs a pure analysis helper (parsing only) in the sandbox and returns its value. */
export async function runAnalysis<T>(sandbox: Sandbox, fn: 'select_functions' | 'analyse_many', arg: unknown, timeoutS = 60): Promise<T> {
  const item = helperCheck('synth_ast.py', fn, arg, timeoutS);
  const [r] = await sandbox.runChecks([item]);
  return analysisValue<T>(r, fn);
}

function analysisValue<T>(r: CheckResult | undefined, fn: string): T {
  if (!r || !r.ok || r.value === undefined) {
    throw new InfraError('SYNTH_ANALYSIS', `${fn} failed in the sandbox: ${r?.timedOut ? 'timeout' : (r?.error ?? 'no result')}`);
  }
  return r.value as T;
}
