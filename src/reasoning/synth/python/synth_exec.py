# Runs one function on its example inputs for the Case2Code synthesis pipeline, inside one
# isolated sandbox child. Records are made exactly as the Case2Code scorer will see them when it
# reruns the examples (same restrictions, same namespace, same text per example), and each call
# gets its own time limit; the child gets a memory cap.
import ast
import builtins
import io
import json
import re
import signal
import sys

MARKERS = ("<|OUT|>", "<|RETURN|>", "<|EXCEPTION|>")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# The machine's name (the container id under Docker): an output that shows it is not reproducible elsewhere.
_HOST = ""


class _CallTimeout(BaseException):
    """Raised by the per-call timer; a BaseException so `except Exception` in the code cannot eat it."""


def _on_alarm(signum, frame):
    raise _CallTimeout()


def _cap_memory(mb):
    import resource
    try:
        with open("/proc/self/status") as f:
            vm = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        vm = 0
    limit = vm + mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def _value_text(node, src):
    """How the original shows one argument: a string literal as JSON, another literal as repr, else source."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return json.dumps(node.value)
    try:
        return repr(ast.literal_eval(node))
    except Exception:
        return ast.get_source_segment(src, node)


def parse_examples(src):
    """[(list of (name, text)) per example, in order] and the size of each list; None where unparsable."""
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError):
        return None, []
    items, sizes = [], []
    for stmt in tree.body:
        lst = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and stmt.targets[0].id == "examples" and isinstance(stmt.value, ast.List):
            lst = stmt.value
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == "examples" \
                and isinstance(stmt.op, ast.Add) and isinstance(stmt.value, ast.List):
            lst = stmt.value
        if lst is None:
            continue
        sizes.append(len(lst.elts))
        for el in lst.elts:
            if isinstance(el, ast.Call) and isinstance(el.func, ast.Name) and el.func.id == "dict" and not el.args \
                    and all(k.arg for k in el.keywords):
                items.append([[k.arg, _value_text(k.value, src)] for k in el.keywords])
            elif isinstance(el, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in el.keys):
                items.append([[k.value, _value_text(v, src)] for k, v in zip(el.keys, el.values)])
            else:
                return None, sizes
    return items, sizes


def _timed(fn, seconds):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _padded(fn, frames):
    """Calls fn under `frames` extra stack frames (the second run uses this to expose stack-depth dependence)."""
    return fn() if frames <= 0 else _padded(fn, frames - 1)


def _call_record(ns, name, ex, seconds, max_chars, pad=0):
    """One example as the scorer records it, or {"drop": reason}.

    The scorer's loop runs in the function's own module namespace: it binds the globals `ex`, `r`
    (and `e` while handling an exception) and looks the function up by name on every call, so a
    function named `r` is replaced by its first result. That is reproduced here.
    """
    buf = io.StringIO()
    saved = sys.stdout
    sys.stdout = buf
    text = None
    try:
        def call():
            ns["ex"] = ex
            try:
                ns["r"] = eval(name, ns)(**ex)
                return "<|RETURN|> " + json.dumps(repr(ns["r"]))
            except (MemoryError, RecursionError):
                raise  # depends on the cap and stack depth, which differ when the scorer reruns it
            except Exception as e:
                ns["e"] = e
                try:
                    return "<|EXCEPTION|> " + json.dumps(str(type(e)) + ": " + str(e))
                finally:
                    ns.pop("e", None)
        tail = _timed(lambda: _padded(call, pad), seconds)
    except _CallTimeout:
        return {"drop": "call_timeout"}
    except MemoryError:
        return {"drop": "memory_cap"}
    except RecursionError:
        return {"drop": "recursion"}
    except BaseException:  # noqa: B036 - SystemExit and the like end the scorer's whole program
        return {"drop": "base_exception"}
    finally:
        sys.stdout = saved
    printed = buf.getvalue()
    if any(m in printed for m in MARKERS) or any(m in tail[len("<|RETURN|> "):] for m in MARKERS):
        return {"drop": "marker_in_output"}
    if tail.startswith("<|RETURN|>"):
        text = tail[len("<|RETURN|>"):].strip()
    else:
        # The scorer keeps what the function printed before raising as part of the record.
        text = (printed + tail).replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > max_chars:
        return {"drop": "output_too_large"}
    if ADDRESS.search(text):
        return {"drop": "memory_address"}
    if len(_HOST) >= 4 and _HOST in text:
        return {"drop": "host_name"}
    return {"r": text, "exc": not tail.startswith("<|RETURN|>")}


def run(job):
    """job: {code, func_name, example_str, import_code, call_timeout, mem_mb, max_output} -> result dict."""
    import copy
    global _HOST
    import socket
    _HOST = socket.gethostname()
    parsed, sizes = parse_examples(job["example_str"])
    _cap_memory(job.get("mem_mb", 512))
    signal.signal(signal.SIGALRM, _on_alarm)
    _c2c_restrict()  # from restrict.py, which src/reasoning/synth/python.ts puts before this file
    ns = {"__name__": "__main__", "__builtins__": builtins, "sys": sys, "copy": copy, "json": json}
    seconds = float(job.get("call_timeout", 1.0))
    stage = "import_failed"
    try:
        for line in job.get("import_code") or []:
            _timed(lambda: exec(compile(line, "<import>", "exec"), ns), seconds * 2)
        stage = "def_failed"
        _timed(lambda: exec(compile(job["code"], "<code>", "exec"), ns), seconds * 2)
        stage = "examples_failed"
        _timed(lambda: exec(compile(job["example_str"], "<examples>", "exec"), ns), seconds * 2)
    except _CallTimeout:
        return {"status": stage, "detail": "timeout"}
    except BaseException as e:  # noqa: B036
        return {"status": stage, "detail": ("%s: %s" % (type(e).__name__, e))[:500]}
    func = ns.get(job["func_name"])
    examples = ns.get("examples")
    if not callable(func):
        return {"status": "no_function", "detail": job["func_name"]}
    if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples):
        return {"status": "examples_not_dicts", "detail": type(examples).__name__}
    try:
        inputs = [json.dumps(repr(e)) for e in examples]
    except Exception as e:
        return {"status": "examples_failed", "detail": "repr: %s" % e}
    pad = int(job.get("pad_frames", 0))
    records = [_call_record(ns, job["func_name"], ex, seconds, int(job.get("max_output", 1000)), pad) for ex in examples]
    if parsed is not None and len(parsed) != len(examples):
        parsed = None
    return {"status": "ok", "inputs": inputs, "records": records, "parsed": parsed, "sizes": sizes}
