import type { CheckItem } from '../sandbox/types.js';
import type { CheckRunner } from './scoring.js';

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
const CLASSIFIER = String.raw`
import ast as _lt_ast, json as _lt_json

def _lt_is_literal(node):
    A = _lt_ast
    if isinstance(node, A.Constant):
        return True
    if isinstance(node, (A.Tuple, A.List, A.Set)):
        return all(_lt_is_literal(e) for e in node.elts)
    if isinstance(node, A.Dict):
        return all(k is not None and _lt_is_literal(k) for k in node.keys) and all(_lt_is_literal(v) for v in node.values)
    if isinstance(node, A.UnaryOp) and isinstance(node.op, (A.UAdd, A.USub)):
        return isinstance(node.operand, A.Constant)
    if isinstance(node, A.BinOp) and isinstance(node.op, (A.Add, A.Sub)):
        return _lt_is_literal(node.left) and isinstance(node.right, A.Constant)
    return False

def _lt_safe_statement(st):
    A = _lt_ast
    if isinstance(st, A.Pass):
        return True
    if isinstance(st, A.Expr) and isinstance(st.value, A.Constant):
        return True
    if isinstance(st, (A.FunctionDef, A.AsyncFunctionDef)):
        a = st.args
        if st.decorator_list or st.returns is not None:
            return False
        for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x is not None]:
            if arg.annotation is not None:
                return False
        # Defaults are evaluated when the def runs: only plain constants are accepted.
        return all(d is None or isinstance(d, A.Constant) for d in a.defaults + a.kw_defaults)
    return False

def _lt_classify(src):
    A = _lt_ast
    try:
        tree = compile(src, "<check>", "exec", A.PyCF_ONLY_AST)
    except SyntaxError as e:
        return "SyntaxError: %s" % e
    except Exception:
        return None
    body = tree.body
    if not body or not isinstance(body[-1], A.Assert):
        return None
    last = body[-1]
    test = last.test
    if last.msg is not None or not isinstance(test, A.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], A.Eq):
        return None
    if not (_lt_is_literal(test.left) and _lt_is_literal(test.comparators[0])):
        return None
    if not all(_lt_safe_statement(st) for st in body[:-1]):
        return None
    try:
        compile(tree, "<check>", "exec")
    except SyntaxError as e:
        return "SyntaxError: %s" % e
    except Exception:
        return None
    try:
        left = A.literal_eval(test.left)
        right = A.literal_eval(test.comparators[0])
    except TypeError as e:
        return "TypeError: %s" % e
    except Exception:
        return None
    try:
        return True if left == right else "AssertionError: "
    except (RecursionError, MemoryError):
        return None
    except Exception as e:
        return "%s: %s" % (type(e).__name__, e)

def _lt_main(payload):
    out = []
    for src in _lt_json.loads(payload):
        try:
            out.append(_lt_classify(src))
        except BaseException:
            out.append(None)
    return out
`;

/** Programs per classifier child. */
const CHUNK = 1000;
/** Time limit of one classifier child (it only parses and compares constants). */
const CLASSIFIER_TIMEOUT_S = 60;

/**
 * The classifier program for a list of check programs; `__result__` holds, per program, true (it
 * passes), the error text of a failing run (`AssertionError: `, `SyntaxError: ...`), or null.
 */
export function literalClassifierProgram(codes: string[]): string {
  return `${CLASSIFIER}\n__result__ = _lt_main(${JSON.stringify(JSON.stringify(codes))})\n`;
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
