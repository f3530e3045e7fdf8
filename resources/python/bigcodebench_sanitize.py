"""Turn-0 sanitizer that gives what BigCodeBench's sanitizer gives, written for this project on
Python's ast (BigCodeBench walks a tree-sitter tree; the code it keeps always parses, so the two
see the same statements).

1. An answer whose python block starts indented (a body only) gets the task's complete prompt in
   front of that body, as BigCodeBench's calibrated sanitizing does.
2. The code is the run of at least two whole lines that parses and has the most non-blank lines
   (the earliest such run on a tie), taken from the whole answer, fences and prose included.
3. Kept: every top-level import, then the top-level definitions (undecorated functions and
   classes, assignments) the entry point reaches by name; a name defined twice keeps its first
   definition.
4. Trailing top-level lines that mention the entry point after the last indented line are cut.
"""
import ast


def _parses(code):
    try:
        ast.parse(code)
        return True
    except (SyntaxError, ValueError, MemoryError):
        return False


def _longest_code(text):
    lines = text.split("\n")
    nonblank = [0]
    for line in lines:
        nonblank.append(nonblank[-1] + (1 if line.strip() else 0))
    best, best_len = (0, 0), 0
    for i in range(len(lines)):
        # For this start, the longest end that parses has the most non-blank lines; among ends with
        # that count the smallest one wins, as a forward scan with a strict comparison picks it.
        for j in range(len(lines) - 1, i, -1):
            count = nonblank[j + 1] - nonblank[i]
            if count <= best_len:
                break
            if _parses("\n".join(lines[i:j + 1])):
                while j - 1 > i and not lines[j].strip() and _parses("\n".join(lines[i:j])):
                    j -= 1
                best, best_len = (i, j), count
                break
    return "\n".join(lines[best[0]:best[1] + 1])


def _identifiers(node):
    """Every identifier token under a node (names, attributes, parameters, keywords, imports)."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif isinstance(n, ast.Attribute):
            out.add(n.attr)
        elif isinstance(n, ast.arg):
            out.add(n.arg)
        elif isinstance(n, ast.keyword) and n.arg:
            out.add(n.arg)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
        elif isinstance(n, ast.alias):
            out.update(n.name.split("."))
            if n.asname:
                out.add(n.asname)
        elif isinstance(n, ast.ImportFrom) and n.module:
            out.update(n.module.split("."))
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            out.update(n.names)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
    return out


def _assignment_name(node):
    """The first identifier directly in an assignment: its single target, else a bare-name value."""
    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
    if isinstance(target, ast.Name):
        return target.id
    if node.value is not None and isinstance(node.value, ast.Name):
        return node.value.id
    return None


def _top_level(code):
    tree = ast.parse(code)
    imports, defs, seen = [], [], set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.decorator_list:
                continue
            name = node.name
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            name = _assignment_name(node)
        else:
            continue
        if name in seen:
            continue
        seen.add(name)
        defs.append((name, node))
    return imports, defs


def sanitize(answer, entry, complete_prompt=None):
    if complete_prompt:
        answer = answer.replace("```python\n    ", "```python\n" + complete_prompt + "    ")
    code = _longest_code(answer.strip())
    if not _parses(code):
        return ""
    imports, defs = _top_level(code)
    deps = {name: _identifiers(node) for name, node in defs}
    reached, queue = {entry}, [entry]
    while queue:
        for dep in deps.get(queue.pop(0), ()):
            if dep not in reached:
                reached.add(dep)
                queue.append(dep)
    pieces = [ast.get_source_segment(code, n) for n in imports]
    pieces += [ast.get_source_segment(code, n) for name, n in defs if name in reached]
    out = "\n".join(pieces)
    lines = out.splitlines()
    cut = None
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith(" "):
            break
        if entry in lines[i]:
            cut = i
    if cut is not None:
        out = "\n".join(lines[:cut])
    return out
