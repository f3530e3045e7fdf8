import { judgeAsset } from '../sandbox/paths.js';
import type { CheckItem } from '../sandbox/types.js';
import type { CheckRunner } from './check-batches.js';

/**
 * Literal fast path for assertion checks.
 *
 * Most CRUXEval-O and CodeGlance checks are programs of the form
 *     <function definitions>
 *     assert <literal> == <literal>
 * Running such a program executes nothing but the definitions (no call is made) and one
 * comparison of two constant values: it cannot have side effects, cannot loop and does not depend
 * on the process it runs in. For these, one sandbox child parses each program with Python's own
 * compiler, checks that shape strictly, and evaluates the comparison on the values the compiler
 * would build. The outcome is the one a fresh interpreter gives: a program that does not compile
 * fails, a comparison that raises (say, an unhashable set element) fails, otherwise the
 * comparison's truth. Anything else, and anything the classifier is unsure about, gets `null` and
 * is judged the normal way, in its own isolated child.
 */
const classifier = (): string => judgeAsset('reasoning/literal.py');

/** Programs per classifier child. */
const CHUNK = 1000;
/** Time limit of one classifier child (it only parses and compares constants). */
const CLASSIFIER_TIMEOUT_S = 60;

/**
 * The classifier program for a list of check programs; `__result__` holds, per program, true (it
 * passes), the error text of a failing run (`AssertionError: `, `SyntaxError: ...`), or null.
 */
export function literalClassifierProgram(codes: string[]): string {
  return `${classifier()}\n__result__ = _lt_main(${JSON.stringify(JSON.stringify(codes))})\n`;
}

/** Cheap text test: could this program end in `assert <literal> == <literal>` at all? */
function maybeLiteral(code: string): boolean {
  const at = code.lastIndexOf('\nassert ');
  const tail = at < 0 ? code : code.slice(at);
  const noStrings = tail.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
  return !/\b(?!(?:assert|and|or|not|in|is|if|else)\b)[A-Za-z_]\w*\s*\(/.test(noStrings);
}

/** A decision of the fast path: passes, or fails with the error a real run raises. */
export type LiteralDecision = { ok: true } | { ok: false; error: string };

/**
 * Decides the checks that are pure literal comparisons: returns, per check, the decision, or null
 * when the check must run in its own isolated child. A classifier child that fails leaves its
 * checks undecided.
 */
export async function decideLiteralChecks(sandbox: CheckRunner, checks: CheckItem[]): Promise<(LiteralDecision | null)[]> {
  const decided: (LiteralDecision | null)[] = new Array(checks.length).fill(null);
  const candidates = checks.map((c, i) => (maybeLiteral(c.code) ? i : -1)).filter((i) => i >= 0);
  const chunks: number[][] = [];
  for (let i = 0; i < candidates.length; i += CHUNK) chunks.push(candidates.slice(i, i + CHUNK));
  await Promise.all(
    chunks.map(async (idx) => {
      const [r] = await sandbox.runChecks([{ code: literalClassifierProgram(idx.map((i) => checks[i]!.code)), timeoutS: CLASSIFIER_TIMEOUT_S }]);
      const values = r?.ok && Array.isArray(r.value) && r.value.length === idx.length ? (r.value as unknown[]) : undefined;
      if (!values) return;
      idx.forEach((checkIndex, k) => {
        const v = values[k];
        decided[checkIndex] = v === true ? { ok: true } : typeof v === 'string' ? { ok: false, error: v.slice(0, 2000) } : null;
      });
    }),
  );
  return decided;
}
