"""Which test names partial execution feedback covers, read statically from the test source.

source_order: the test methods of class TestCases in source order (the clean protocol).
visit_order: the original's method extractor: for each class of the module (breadth-first, as
ast.walk yields them), every function definition met walking that class depth-first, nested
classes and functions included. setUp, helpers and nested functions take places, and a nested
class's methods come once for the outer class and once for itself.
"""

import ast


def _parse(test_src):
    try:
        return ast.parse(test_src)
    except (SyntaxError, ValueError):
        return None


def source_order(test_src):
    tree = _parse(test_src)
    if tree is None:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "TestCases":
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    names.append(item.name)
    return names


def _defs_below(node, out):
    # Only plain `def` counts (an async def is walked through but not listed), in field order.
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef):
            out.append(child.name)
        _defs_below(child, out)


def visit_order(test_src):
    tree = _parse(test_src)
    if tree is None:
        return []
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    names = []
    for cls in classes:
        _defs_below(cls, names)
    return names
