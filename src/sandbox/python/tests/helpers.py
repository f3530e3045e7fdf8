"""Common helpers: run a function in a forked child (the judge's children add audit hooks and
change process state, which must not leak into the test process)."""

import json
import os
import tempfile

try:
    # As the server does: imported once here, so that each forked judgment does not pay for it.
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
except ImportError:
    pass

JUDGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(JUDGE_DIR, "judge.py")


def in_fork(fn, *args):
    """fn(*args) in a forked child; returns its JSON-able result, or raises with its error."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rfd)
        try:
            data = json.dumps({"value": fn(*args)}, default=str)
        except BaseException as e:  # noqa: B036
            data = json.dumps({"error": "%s: %s" % (type(e).__name__, e)})
        with os.fdopen(wfd, "w") as f:
            f.write(data)
        os._exit(0)
    os.close(wfd)
    with os.fdopen(rfd) as f:
        data = f.read()
    os.waitpid(pid, 0)
    out = json.loads(data)
    if "error" in out:
        raise AssertionError("in child: " + out["error"])
    return out["value"]


def scratch():
    return tempfile.mkdtemp(prefix="judge-test-")
