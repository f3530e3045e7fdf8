# Static analysis for the Case2Code synthesis pipeline: which functions of a source file are
# taken, and what the offline input writer needs to know about one function. Parsing only: no
# code from the analysed files is executed here.
import ast
import builtins
import hashlib
import json  # noqa: F401 - the check program that embeds this file decodes its argument with it

MAX_CONTENT_CHARS = 4000
BUILTIN_NAMES = set(dir(builtins))
# Attribute uses on a parameter that reveal its type (first match wins in the writer).
ATTR_TYPES = {
    "str": {"split", "strip", "lstrip", "rstrip", "lower", "upper", "startswith", "endswith", "replace",
            "encode", "join", "find", "rfind", "format", "isdigit", "isalpha", "isspace", "partition",
            "rpartition", "splitlines", "casefold", "expandtabs", "zfill", "center", "ljust", "rjust", "title"},
    "bytes": {"decode", "hex"},
    "dict": {"items", "keys", "values", "get", "setdefault", "popitem", "update"},
    "list": {"append", "extend", "insert", "sort", "reverse", "remove", "pop", "index", "count"},
    "set": {"add", "discard", "union", "intersection", "difference", "issubset", "issuperset"},
    "float": {"is_integer", "hex"},
    "int": {"bit_length", "to_bytes"},
}


def _own_nodes(fn):
    """Nodes of a function body, not descending into nested functions, classes or lambdas."""
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)


def _params(fn):
    a = fn.args
    return [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs] + [x.arg for x in (a.vararg, a.kwarg) if x]


def _bound_names(fn):
    """Names the function binds itself (parameters, assignments, loop targets, imports, comprehensions)."""
    names = set(_params(fn))
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for al in node.names:
                names.add((al.asname or al.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not fn:
            names.add(node.name)
    return names


def _rejection(fn, imports, module, module_names):
    """Why a top-level def is not taken (None when it is), plus the import lines it needs.

    A name the function reads from its module is imported from the file's own import line when
    there is one, else from the module itself (`from pkg.mod import name`) when the file is an
    importable module; the sandbox must be able to import it (true for the installed stdlib).
    """
    a = fn.args
    if fn.decorator_list:
        return "decorated", None
    if a.posonlyargs:
        return "positional_only_args", None
    if not (a.args or a.kwonlyargs):
        return "no_named_args", None
    own = list(_own_nodes(fn))
    if any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)) for n in own):
        return "generator", None
    if not any(isinstance(n, ast.Return) and n.value is not None for n in own):
        return "no_return_value", None
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(fn)):
        return "global_statement", None
    bound = _bound_names(fn) - {fn.name}
    # Defaults and annotations are evaluated where the def stands, so parameters do not bind them.
    outer = [d for d in a.defaults + a.kw_defaults if d is not None]
    outer += [x.annotation for x in a.posonlyargs + a.args + a.kwonlyargs if x.annotation is not None]
    if fn.returns is not None:
        outer.append(fn.returns)
    outer_ids = {id(n) for e in outer for n in ast.walk(e)}
    wanted = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in BUILTIN_NAMES:
            if (id(node) in outer_ids or node.id not in bound) and node.id not in wanted:
                wanted.append(node.id)
    needed = []
    for name in wanted:
        if name in imports:
            line = imports[name]
        elif module and name in module_names:
            line = "from %s import %s" % (module, name)
        else:
            return "unresolved_name", None
        if line not in needed:
            needed.append(line)
    return None, needed


def _top_imports(tree):
    """Bound name -> one import line, for absolute top-level imports without a star."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for al in node.names:
                bound = al.asname or al.name.split(".")[0]
                out[bound] = "import %s" % (al.name + (" as " + al.asname if al.asname else ""))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for al in node.names:
                if al.name == "*":
                    continue
                out[al.asname or al.name] = "from %s import %s" % (node.module, al.name + (" as " + al.asname if al.asname else ""))
    return out


def _module_of(path):
    """Dotted module name of a .py path relative to a sys.path entry, or None if it cannot be one."""
    if not path.endswith(".py"):
        return None
    parts = path[:-3].replace("\\", "/").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def _top_level_names(tree):
    """Names bound at module level, including inside top-level if/try/for blocks."""
    names = set()
    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(top.name)
            continue
        for node in ast.walk(top):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for al in node.names:
                    if al.name != "*":
                        names.add((al.asname or al.name).split(".")[0])
    return names


def select_functions(files):
    """files: [{path, text}] -> {rows: [{id, content, import_code}], rejected: {reason: n}}."""
    rows, rejected, seen = [], {}, set()

    def reject(why):
        rejected[why] = rejected.get(why, 0) + 1

    for f in files:
        try:
            tree = ast.parse(f["text"])
        except (SyntaxError, ValueError):
            reject("file_syntax_error")
            continue
        imports = _top_imports(tree)
        module = _module_of(f["path"])
        module_names = _top_level_names(tree) if module else set()
        for fn in tree.body:
            if isinstance(fn, ast.AsyncFunctionDef):
                reject("async")
                continue
            if not isinstance(fn, ast.FunctionDef):
                continue
            why, needed = _rejection(fn, imports, module, module_names)
            if why is None:
                content = ast.get_source_segment(f["text"], fn)
                if content is None or len(content) > MAX_CONTENT_CHARS:
                    why = "too_long"
                else:
                    content += "\n"
                    key = hashlib.sha1(content.encode("utf-8", "surrogatepass")).hexdigest()
                    if key in seen:
                        why = "duplicate_source"
                    else:
                        seen.add(key)
                        rows.append({"id": "%s::%s" % (f["path"], fn.name), "content": content, "import_code": needed})
            if why is not None:
                reject(why)
    return {"rows": rows, "rejected": rejected}


def _literal_repr(node):
    try:
        v = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(v, (bool, int, float, str, bytes)) and len(repr(v)) <= 60:
        return type(v).__name__, repr(v)
    return None


def analyse(content):
    """Facts about the first def of `content`: parameters with defaults/annotations/type hints, body literals."""
    try:
        tree = ast.parse(content)
    except (SyntaxError, ValueError) as e:
        return {"error": "syntax error: %s" % e}
    fn = next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if fn is None:
        return {"error": "no function definition"}
    a = fn.args
    defaults = {}
    positional = a.posonlyargs + a.args
    for arg, d in zip(positional[len(positional) - len(a.defaults):], a.defaults):
        defaults[arg.arg] = d
    for arg, d in zip(a.kwonlyargs, a.kw_defaults):
        if d is not None:
            defaults[arg.arg] = d
    hints = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            for t, attrs in ATTR_TYPES.items():
                if node.attr in attrs:
                    hints.setdefault(node.value.id, []).append(t)
                    break
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args and isinstance(node.args[0], ast.Name):
            kind = {"len": "list", "range": "int", "int": "str", "ord": "str", "sorted": "list", "enumerate": "list"}.get(node.func.id)
            if kind:
                hints.setdefault(node.args[0].id, []).append(kind)
        elif isinstance(node, ast.BinOp) and isinstance(node.left, ast.Name) and isinstance(node.right, ast.Constant):
            c = node.right.value
            if isinstance(c, (int, float)) and not isinstance(c, bool):
                hints.setdefault(node.left.id, []).append("int" if isinstance(c, int) else "float")
        elif isinstance(node, ast.For) and isinstance(node.iter, ast.Name):
            hints.setdefault(node.iter.id, []).append("list")
    params = []
    for kind, group in (("positional_only", a.posonlyargs), ("normal", a.args), ("keyword_only", a.kwonlyargs)):
        for arg in group:
            p = {"name": arg.arg, "kind": kind, "hints": hints.get(arg.arg, [])}
            if arg.annotation is not None:
                p["annotation"] = ast.unparse(arg.annotation)
            if arg.arg in defaults:
                p["default"] = ast.unparse(defaults[arg.arg])
                lit = _literal_repr(defaults[arg.arg])
                if lit:
                    p["default_type"] = lit[0]
            params.append(p)
    literals, seen = [], set()
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring is prose, not a value the function works with
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Constant):
                lit = _literal_repr(node)
                if lit and lit[1] not in seen and lit[1] not in ("None",):
                    seen.add(lit[1])
                    literals.append({"type": lit[0], "text": lit[1]})
    return {"name": fn.name, "params": params, "literals": literals[:40]}


def analyse_many(items):
    """items: [{id, content}] -> [{id, facts}]"""
    return [{"id": it["id"], "facts": analyse(it["content"])} for it in items]
