"""Runs inside a container of the Django image: turns the tracing run into task candidates.

stdin {tests: {id: [status, secs]}, calls: {"file:line": [ids]}, min_body_lines, max_tests}
stdout one JSON line {candidates: [...], dropped: {reason: count}, methods: n}
Each candidate holds the spec's record fields and its token mutants (for the repair variant).
"""
import ast
import io
import json
import os
import sys
import textwrap
import tokenize

ROOT = os.environ.get('REPO_ROOT', '/opt/django')
SWAP = {'==': '!=', '!=': '==', '<': '>=', '>': '<=', '<=': '>', '>=': '<', '+': '-', '-': '+',
        '+=': '-=', '-=': '+=', 'and': 'or', 'or': 'and', 'True': 'False', 'False': 'True',
        'is': 'is not', 'not': '', '0': '1', '1': '0', '2': '3', '-1': '0', 'min': 'max', 'max': 'min'}


def body_start(node, lines):
    """First line (1-based) after the signature: the line after the one holding the signature's ':'."""
    first = node.body[0]
    start = first.lineno
    if first.lineno == node.lineno:
        return None  # one-line method
    # Skip back over comment/blank lines that sit between the signature and the body.
    while start - 1 > node.lineno and (not lines[start - 2].strip() or lines[start - 2].lstrip().startswith('#')):
        start -= 1
    return start


def mutants(src_lines, first_line, doc_end):
    """Token swaps inside the method's code (never in the docstring or strings), each still compiling."""
    text = '\n'.join(src_lines) + '\n'
    out = []
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError):
        return out
    for i, tok in enumerate(toks):
        if tok.type not in (tokenize.OP, tokenize.NAME, tokenize.NUMBER):
            continue
        row, col = tok.start
        if row <= doc_end:
            continue
        new = SWAP.get(tok.string)
        if new is None:
            continue
        if tok.string == 'is' and i + 1 < len(toks) and toks[i + 1].string == 'not':
            continue
        if tok.string == 'not' and i + 1 < len(toks) and toks[i + 1].string == 'in':
            continue
        line = src_lines[row - 1]
        end = tok.end[1]
        if tok.string == 'not':
            while end < len(line) and line[end] == ' ':
                end += 1
        changed = line[:col] + new + line[end:]
        cand = src_lines[:row - 1] + [changed] + src_lines[row:]
        try:
            compile(textwrap.dedent('\n'.join(cand)), '<m>', 'exec', dont_inherit=True)
        except SyntaxError:
            continue
        out.append({'line': first_line + row - 1, 'col': col, 'from': tok.string, 'to': new, 'new_line': changed})
    return out


def documented_method_keys():
    """'file:first line' of every documented method of a top-level class: the only code the tracer records."""
    keys = set()
    for d, _dirs, fs in os.walk(os.path.join(ROOT, 'django')):
        for f in fs:
            if not f.endswith('.py'):
                continue
            path = os.path.join(d, f)
            with open(path, encoding='utf-8') as fh:
                try:
                    tree = ast.parse(fh.read())
                except SyntaxError:
                    continue
            rel = os.path.relpath(path, ROOT)
            for cls in tree.body:
                if isinstance(cls, ast.ClassDef):
                    for node in cls.body:
                        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and ast.get_docstring(node):
                            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                            keys.add('%s:%d' % (rel, first))
    return keys


def main():
    job = json.loads(sys.stdin.read())
    nonce = job.pop('result_nonce', '')
    tests, calls = job['tests'], job['calls']
    min_body, max_tests = job.get('min_body_lines', 3), job.get('max_tests', 50)
    dropped = {}
    methods = 0
    cands = []

    def drop(reason):
        dropped[reason] = dropped.get(reason, 0) + 1

    pkg = os.path.join(ROOT, 'django')
    files = []
    for d, _dirs, fs in os.walk(pkg):
        files += [os.path.join(d, f) for f in fs if f.endswith('.py')]
    for path in sorted(files):
        rel = os.path.relpath(path, ROOT)
        with open(path, encoding='utf-8') as fh:
            raw = fh.read()
        try:
            tree = ast.parse(raw)
        except SyntaxError:
            continue
        lines = raw.split('\n')
        for cls in tree.body:
            if not isinstance(cls, ast.ClassDef):
                continue
            cls_start = (cls.decorator_list[0].lineno if cls.decorator_list else cls.lineno)
            for node in cls.body:
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                methods += 1
                doc = ast.get_docstring(node)
                if not doc:
                    drop('no docstring')
                    continue
                bstart = body_start(node, lines)
                if bstart is None:
                    drop('one-line method')
                    continue
                doc_node = node.body[0]
                code_lines = [l for l in lines[doc_node.end_lineno:node.end_lineno] if l.strip() and not l.strip().startswith('#')]
                if len(code_lines) < min_body:
                    drop('body under %d lines' % min_body)
                    continue
                if len(node.body) < 2:
                    drop('body under %d lines' % min_body)
                    continue
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                key = '%s:%d' % (rel, first)
                ran = [t for t in calls.get(key, []) if tests.get(t, ['?'])[0] == 'ok']
                if not ran:
                    drop('no passing traced test calls it')
                    continue
                # By name, not by traced duration: machine load must not decide which tests a task gets.
                ran.sort()
                ran = ran[:max_tests]
                decl = lines[node.lineno - 1:bstart - 1]
                body = lines[bstart - 1:node.end_lineno]
                muts = mutants(lines[node.lineno - 1:node.end_lineno], node.lineno, doc_node.end_lineno - node.lineno + 1)
                if not muts:
                    drop('no compiling mutant')
                    continue
                cut_from = first - 1
                without = lines[:cut_from] + lines[node.end_lineno:]
                cls_lines = lines[cls_start - 1:cls.end_lineno]
                cls_without = lines[cls_start - 1:cut_from] + lines[node.end_lineno:cls.end_lineno]
                cands.append({
                    'file_path': rel,
                    'raw_file_content': raw,
                    'class_name': cls.name,
                    'class_doc': ast.get_docstring(cls) or '',
                    'class_code': '\n'.join(cls_lines),
                    'class_position_in_file': [cls_start - 1, cls.end_lineno - 1],
                    'file_without_method': '\n'.join(without),
                    'class_without_method': '\n'.join(cls_without),
                    'method': {
                        'name': node.name,
                        'declaration': '\n'.join(decl),
                        'body': '\n'.join(body),
                        'description': doc,
                        'global_method_declaration_index': [node.lineno - 1, bstart - 2],
                        'global_method_body_index': [bstart - 1, node.end_lineno - 1],
                    },
                    'tests': {'full_paths': ran, 'time_test_norm': round(sum(tests[t][1] for t in ran), 4)},
                    'mutants': muts,
                })
    sys.stdout.write('\n@@RESULT%s@@' % (('-' + nonce) if nonce else '') + json.dumps({'candidates': cands, 'dropped': dropped, 'methods': methods}) + '\n')


if __name__ == '__main__':
    main()
