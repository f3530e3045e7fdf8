import type { Case2CodeItem } from './types.js';

/** Time limit for one Case2Code program (all examples together), seconds. */
export const CASE2CODE_TIMEOUT_S = 10;

/**
 * Python program that judges one Case2Code candidate inside one isolated sandbox child.
 *
 * It reproduces the reference harness's observable behaviour: the same restrictions are applied
 * before the candidate runs (exit/quit/open/help and destructive os/shutil/subprocess functions
 * disabled, some modules blocked), the candidate and the examples share one module namespace that
 * already holds `sys`, `copy` and `json`, every example is called as `func(**ex)` with Exception
 * caught, and stdout is captured and parsed the way the reference parses its child's output —
 * so text the function prints before raising is part of that example's record. The list of
 * records is assigned to `__result__` as {"outputs": [...] | null, "crash": str | null}.
 */
const HARNESS = String.raw`
import builtins as _c2c_builtins, io as _c2c_io, re as _c2c_re, sys as _c2c_sys

_C2C_START = "@@C2C:OUTPUTS:BEGIN@@"
_C2C_END = "@@C2C:OUTPUTS:END@@"


def _c2c_restrict():
    import faulthandler, os, shutil, subprocess
    faulthandler.disable()
    for name in ("exit", "quit", "open", "help"):
        setattr(_c2c_builtins, name, None)
    os.environ["OMP_NUM_THREADS"] = "1"
    for name in ("kill", "makedirs", "link", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir",
                 "setuid", "fork", "forkpty", "killpg", "rename", "renames", "truncate", "replace", "unlink",
                 "fchmod", "fchown", "chmod", "chown", "chroot", "lchflags", "lchmod", "lchown", "getcwd", "chdir"):
        setattr(os, name, None)
    for name in ("rmtree", "move", "chown"):
        setattr(shutil, name, None)
    subprocess.Popen = None
    for name in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        _c2c_sys.modules[name] = None
    try:
        import sqlite3
        sqlite3.connect = None
    except ImportError:
        pass


def _c2c_parse(text):
    # The reference reads its child's stdout as text: universal newlines.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _c2c_re.search(_c2c_re.escape(_C2C_START) + r"\n(.*?)" + _c2c_re.escape(_C2C_END), text, _c2c_re.S)
    if m is None:
        return None, "no output"
    records = []
    for piece in m.group(1).strip().split("<|OUT|>"):
        piece = piece.strip()
        if not piece:
            continue
        if "<|EXCEPTION|>" in piece:
            records.append(piece)
            continue
        parts = piece.split("<|RETURN|>")
        if len(parts) != 2:
            return None, "unparsable output"
        records.append(parts[1].strip())
    return records, None


def _c2c_main(src):
    import copy, json
    ns = {"__name__": "__main__", "__builtins__": _c2c_builtins, "sys": _c2c_sys, "copy": copy, "json": json}
    _c2c_restrict()
    buf = _c2c_io.StringIO()
    saved = _c2c_sys.stdout
    _c2c_sys.stdout = buf
    crash = None
    try:
        exec(compile(src, "<case2code>", "exec"), ns)
    except BaseException as e:  # the reference's child dies here: no usable output
        crash = "%s: %s" % (type(e).__name__, e)
    finally:
        _c2c_sys.stdout = saved
    if crash is not None:
        return {"outputs": None, "crash": crash[:2000]}
    outputs, why = _c2c_parse(buf.getvalue())
    return {"outputs": outputs, "crash": why}
`;

function loopSource(funcName: string): string {
  return [
    '',
    '',
    `print(${JSON.stringify('@@C2C:OUTPUTS:BEGIN@@')})`,
    'for ex in examples:',
    '    print("<|OUT|>")',
    '    try:',
    `        r = ${funcName}(**ex)`,
    "        print('<|RETURN|>', json.dumps(repr(r)))",
    '    except Exception as e:',
    "        print('<|EXCEPTION|>', json.dumps(str(type(e)) + ': ' + str(e)))",
    `print(${JSON.stringify('@@C2C:OUTPUTS:END@@')})`,
    '',
  ].join('\n');
}

/**
 * Python text literal for `s`. JSON string syntax is valid Python except for lone surrogates,
 * which JSON.stringify escapes as \udXXX: Python reads those escapes the same way.
 */
function pyStringLiteral(s: string): string {
  return JSON.stringify(s);
}

/** The check program for one candidate solution (already extracted from the model's text). */
export function case2codeCheck(item: Case2CodeItem, solution: string): string {
  const program = solution + '\n\n' + item.exampleStr + loopSource(item.funcName);
  return `${HARNESS}\n__result__ = _c2c_main(${pyStringLiteral(program)})\n`;
}

export interface Case2CodeOutcome {
  correct: boolean;
  /** Why it is not correct: timeout, crash text, no output, length mismatch, output mismatch. */
  status: 'correct' | 'timeout' | 'error' | 'no output' | 'length mismatch' | 'output mismatch';
  /** Index of the first differing example (output mismatch). */
  firstMismatch?: number;
  detail?: string;
}

/** Compares what the judge returned for one candidate with the gold records. */
export function judgeCase2Code(
  item: Case2CodeItem,
  result: { ok: boolean; timedOut: boolean; error?: string; value?: unknown },
): Case2CodeOutcome {
  if (result.timedOut) return { correct: false, status: 'timeout' };
  if (!result.ok) return { correct: false, status: 'error', detail: result.error ?? '' };
  const v = result.value as { outputs?: unknown; crash?: unknown } | undefined;
  const outputs = v?.outputs;
  if (!Array.isArray(outputs)) {
    return { correct: false, status: 'no output', detail: typeof v?.crash === 'string' ? v.crash : '' };
  }
  if (outputs.length !== item.goldOutputs.length) {
    return { correct: false, status: 'length mismatch', detail: `${outputs.length} records for ${item.goldOutputs.length} examples` };
  }
  for (let i = 0; i < outputs.length; i++) {
    if (outputs[i] !== item.goldOutputs[i]) {
      return {
        correct: false, status: 'output mismatch', firstMismatch: i,
        detail: `example ${i}: got ${String(outputs[i]).slice(0, 300)} expected ${item.goldOutputs[i]!.slice(0, 300)}`,
      };
    }
  }
  return { correct: true, status: 'correct' };
}
