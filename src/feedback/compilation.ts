import type { Sandbox } from '../sandbox/types.js';
import { NO_SYNTAX_ERRORS } from './constants.js';

export interface CompilationFeedback {
  ok: boolean;
  text: string;
}

/** Compilation feedback: Python's compile() in the sandbox's interpreter, traceback on failure. */
export async function compilationFeedback(sandbox: Sandbox, code: string): Promise<CompilationFeedback> {
  const r = await sandbox.checkSyntax(code);
  return r.ok ? { ok: true, text: NO_SYNTAX_ERRORS } : { ok: false, text: (r.error ?? 'SyntaxError').trim() };
}
