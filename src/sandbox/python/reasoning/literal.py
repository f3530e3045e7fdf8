# Literal fast path for assertion checks (src/reasoning/literal.ts appends
# `__result__ = _lt_main(<JSON list of programs>)`).
#
# For a program of the form `<function definitions>` + `assert <literal> == <literal>`, running it
# executes nothing but the definitions and one comparison of two constants. _lt_classify checks
# that shape strictly with Python's own compiler and evaluates the comparison on the values the
# compiler would build: True (passes), the error text a real run raises ("AssertionError: ",
# "SyntaxError: ..."), or None when the program must run the normal way, in its own child.

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
