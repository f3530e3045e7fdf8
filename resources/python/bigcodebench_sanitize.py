"""Turn-0 sanitizer in the manner of BigCodeBench: keep the imports and the top-level definitions
the entry point needs (transitively), taken from the answer's code. Written for this project."""
import ast
import re

FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:\n[ \t]*```|\Z)", re.S)


def _parses(code):
    try:
        ast.parse(code)
        return True
    except (SyntaxError, ValueError):
        return False


def _longest_parsable(text):
    """The longest run of whole lines that parses (the answer may hold prose around the code)."""
    lines = text.split("\n")
    best = ""
    for i in range(len(lines)):
        for j in range(len(lines), i, -1):
            if j - i <= best.count("\n") + 1:
                break
            chunk = "\n".join(lines[i:j])
            if chunk.strip() and _parses(chunk):
                best = chunk
                break
    return best


def _names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _defined(node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def sanitize(answer, entry):
    blocks = [m.group(2) for m in FENCE.finditer(answer)]
    candidates = [b for b in blocks if _parses(b)]
    code = next((b for b in candidates if re.search(r"def\s+%s\b" % re.escape(entry), b)), None)
    if code is None:
        code = max(candidates, key=len) if candidates else (answer if _parses(answer) else _longest_parsable(answer))
    if not code.strip():
        return ""
    tree = ast.parse(code)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    defs = [n for n in tree.body if _defined(n)]
    by_name = {}
    for n in defs:
        for name in _defined(n):
            by_name[name] = n
    keep = set()
    if entry in by_name:
        todo = [entry]
        while todo:
            name = todo.pop()
            node = by_name.get(name)
            if node is None or id(node) in keep:
                continue
            keep.add(id(node))
            todo.extend(_names(node) - {name})
    else:
        keep = {id(n) for n in defs}
    kept = [n for n in tree.body if n in imports or id(n) in keep]
    return "\n".join(ast.get_source_segment(code, n) for n in kept) + "\n"
