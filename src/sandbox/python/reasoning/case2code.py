# Judges one Case2Code candidate inside one isolated sandbox check child (src/reasoning/case2code.ts
# puts restrict.py before it and appends `__result__ = _c2c_main(<program>)`).
#
# It reproduces the reference harness's observable behaviour: the same restrictions are applied
# before the candidate runs (exit/quit/open/help and destructive os/shutil/subprocess functions
# disabled, some modules blocked), the candidate and the examples share one module namespace that
# already holds `sys`, `copy` and `json`, every example is called as `func(**ex)` with Exception
# caught, and stdout is captured and parsed the way the reference parses its child's output, so
# text the function prints before raising is part of that example's record. The result is
# {"outputs": [...] | None, "crash": str | None}.

import builtins as _c2c_builtins, io as _c2c_io, re as _c2c_re, sys as _c2c_sys

_C2C_START = "@@C2C:OUTPUTS:BEGIN@@"
_C2C_END = "@@C2C:OUTPUTS:END@@"


def _c2c_parse(text):
    # The reference reads its child's stdout as text: universal newlines.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    m = _c2c_re.search(_c2c_re.escape(_C2C_START) + r"\n(.*?)" + _c2c_re.escape(_C2C_END), text, _c2c_re.S)
    if m is None:
        return None, "no output"
    records = []
    for piece in m.group(1).strip().split("<|OUT|>"):
        piece = piece.strip()
        if not piece:
            continue
        if "<|EXCEPTION|>" in piece:
            records.append(piece)
            continue
        parts = piece.split("<|RETURN|>")
        if len(parts) != 2:
            return None, "unparsable output"
        records.append(parts[1].strip())
    return records, None


def _c2c_main(src):
    import copy, json
    ns = {"__name__": "__main__", "__builtins__": _c2c_builtins, "sys": _c2c_sys, "copy": copy, "json": json}
    _c2c_restrict()
    buf = _c2c_io.StringIO()
    saved = _c2c_sys.stdout
    _c2c_sys.stdout = buf
    crash = None
    try:
        exec(compile(src, "<case2code>", "exec"), ns)
    except BaseException as e:  # the reference's child dies here: no usable output
        crash = "%s: %s" % (type(e).__name__, e)
    finally:
        _c2c_sys.stdout = saved
    if crash is not None:
        return {"outputs": None, "crash": crash[:2000]}
    outputs, why = _c2c_parse(buf.getvalue())
    return {"outputs": outputs, "crash": why}
