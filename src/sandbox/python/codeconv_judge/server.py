"""The fork server: pre-imports heavy libraries once, then reads one JSON request per line on stdin
and forks one child per judgment; answers one JSON line per request on stdout.

Request kinds:
  unittest: {"id", "kind": "unittest", "solution", "test", "timeout", "fresh"?} -> BigCodeBench semantics
  checks:   {"id", "kind": "checks", "items": [{"code", "timeout"}], "fresh"?, "hashSeed"?} -> one isolated child per item
  syntax:   {"id", "kind": "syntax", "code"}                                    -> compile() feedback
  ping:     {"id", "kind": "ping"}                                              -> {"pong": true}
With "fresh", each child is a fresh interpreter started in 'once' mode (the upstream way, the
speed baseline) instead of a fork of this pre-imported server.
"""

import json
import os
import signal
import sys
import time

from . import reset
from .child import child_main
from .guards import set_nondumpable
from .protocol import parse_request, read_message, ready_line, reply_line

PRELOAD_DEFAULT = (
    "numpy,pandas,matplotlib,matplotlib.pyplot,scipy,scipy.stats,sklearn,sklearn.model_selection,"
    "sklearn.preprocessing,sklearn.linear_model,seaborn,statsmodels.api,requests,pytz,dateutil,PIL.Image,"
    "bs4,unittest,unittest.mock,json,re,random,datetime,collections,itertools,csv,io,math,statistics,"
    "hashlib,base64,string,subprocess,shutil,glob,pathlib,tempfile,time,struct,zipfile,sqlite3,socket"
)

# The launcher script, which a fresh interpreter runs in 'once' mode; set by main().
_launcher = [None]
_counter = [0]


def judge_one(job, timeout, fresh, watch_oom=True, hash_seed=None):
    """Runs one job in an isolated child and returns (payload, meta)."""
    _counter[0] += 1
    workdir = os.path.join(reset.SCRATCH, "work-%d" % _counter[0])
    nonce = os.urandom(16).hex().encode()
    oom_before = reset.oom_kills() if watch_oom else None
    start = time.monotonic()
    rfd, wfd = os.pipe()
    if fresh:
        import subprocess
        # The upstream way: a fresh interpreter, with its own random string-hash seed (or the one asked for).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
        if isinstance(hash_seed, int) and 0 <= hash_seed <= 4294967295:
            env["PYTHONHASHSEED"] = str(hash_seed)
        proc = subprocess.Popen(
            [sys.executable, "-P", "-s", "-B", _launcher[0], "once", str(wfd), nonce.decode(), workdir],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(wfd,),
            start_new_session=True, env=env)
        pid = proc.pid
        os.close(wfd)
        try:
            proc.stdin.write(json.dumps(job).encode())
            proc.stdin.close()
        except OSError:
            pass
    else:
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            child_main(job, wfd, nonce, workdir)
        os.close(wfd)
    payload, exit_status, timed_out = read_message(rfd, nonce, pid, start + timeout)
    duration = time.monotonic() - start
    os.close(rfd)
    clean = reset.kill_everything(pid)
    if fresh:
        try:
            proc.wait(timeout=1)
        except Exception:
            pass
    oom_after = reset.oom_kills() if watch_oom else None
    oom = oom_before is not None and oom_after is not None and oom_after > oom_before
    meta = {"durationMs": round(duration * 1000, 3), "timedOut": timed_out, "oom": oom,
            "clean": clean and (reset.reset_container() if reset.IS_INIT else reset.wipe_workdir(workdir))}
    if reset.unclean:
        meta["unclean"] = "; ".join(reset.unclean)
        del reset.unclean[:]
    if payload is None and not timed_out:
        sig = os.WTERMSIG(exit_status) if exit_status is not None and os.WIFSIGNALED(exit_status) else None
        code = os.WEXITSTATUS(exit_status) if exit_status is not None and os.WIFEXITED(exit_status) else None
        meta["exit"] = {"signal": sig, "code": code}
    return payload, meta


def _handle_unittest(req, fresh):
    timeout = float(req.get("timeout", 240)) + 1.0
    payload, meta = judge_one(req, timeout, fresh)
    if meta["timedOut"]:
        res = {"status": "timeout", "details": {"ALL": "Timed out after %gs" % (timeout - 1)}}
    elif payload is None:
        ex = meta.get("exit") or {}
        why = "killed by signal %s" % ex["signal"] if ex.get("signal") else "exited with code %s" % ex.get("code")
        if meta["oom"]:
            why += " (out of memory)"
        res = {"status": "fail", "details": {"ALL": "the judged process %s before reporting a result" % why}}
    elif payload.get("forged"):
        res = {"status": "fail", "details": {"ALL": "integrity: forged result message"}}
    else:
        res = payload
    res.update(meta)
    return res


def _handle_checks(req, fresh):
    results = []
    clean = True
    for item in req.get("items", []):
        # A check's answer has no out-of-memory flag, so the cgroup counters are not read for it.
        payload, meta = judge_one(dict(item, kind="check"), float(item.get("timeout", 3)), fresh, watch_oom=False,
                                  hash_seed=req.get("hashSeed"))
        clean = clean and meta["clean"]
        if meta["timedOut"]:
            r = {"ok": False, "timedOut": True, "error": "timeout"}
        elif payload is None or payload.get("forged"):
            r = {"ok": False, "timedOut": False, "error": "no result (%s)" % (meta.get("exit") or "forged")}
        else:
            r = dict(payload, timedOut=False)
        r["durationMs"] = meta["durationMs"]
        results.append(r)
    return {"results": results, "clean": clean}


def _handle_syntax(req, _fresh):
    payload, meta = judge_one(req, float(req.get("timeout", 10)), False)
    res = payload if payload and not payload.get("forged") else {"ok": False, "error": "syntax check failed to report"}
    res.update(meta)
    return res


HANDLERS = {
    "unittest": _handle_unittest,
    "checks": _handle_checks,
    "syntax": _handle_syntax,
    "ping": lambda _req, _fresh: {"pong": True},
}


def handle(req):
    kind = req.get("kind")
    handler = HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        return {"error": "unknown request kind %r" % kind}
    return handler(req, bool(req.get("fresh")))


def _preload(preload):
    """Imports the listed modules; returns (loaded, failed)."""
    import importlib
    import warnings
    loaded, failed = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in [m for m in preload.split(",") if m]:
            try:
                importlib.import_module(name)
                loaded.append(name)
            except BaseException:  # noqa: B036
                failed.append(name)
    return loaded, failed


def serve(preload):
    set_nondumpable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not reset.IS_INIT:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ.setdefault("TZ", "UTC")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    time.tzset()
    reset.prepare_scratch()
    # What every judgment needs, imported once here so that no forked child pays for it
    # (the 'once' baseline keeps importing them lazily, as before).
    import faulthandler, resource, select, shutil, stat  # noqa: E401,F401
    t0 = time.monotonic()
    loaded, failed = _preload(preload)
    # Only when preloaded: importing matplotlib here would make every fork and exit pay for it
    # (MPLBACKEND=Agg in the environment covers code that imports it later).
    if "matplotlib" in sys.modules:
        try:
            sys.modules["matplotlib"].use("Agg")
        except Exception:
            pass
    import gc
    gc.collect()
    # Preloaded objects move out of the collector's reach, so children do not copy their pages.
    gc.freeze()
    out = os.fdopen(os.dup(1), "w", buffering=1)
    inp = os.fdopen(os.dup(0), "rb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    out.write(ready_line(loaded, failed, round((time.monotonic() - t0) * 1000)))
    for line in inp:
        line = line.strip()
        if not line:
            continue
        req, bad = parse_request(line)
        if bad is not None:
            out.write(bad)
            continue
        try:
            res = handle(req)
        except BaseException as e:  # noqa: B036
            res = {"error": "judge server error: %s" % e, "clean": False}
        out.write(reply_line(res, req))


USAGE = "usage: judge.py serve [--preload mods] | once WFD NONCE WORKDIR\n"


def main(argv, launcher):
    """Entry point of the launcher script; argv excludes the program name."""
    _launcher[0] = launcher
    mode = argv[0] if argv else "serve"
    if mode == "serve":
        pre = PRELOAD_DEFAULT
        if "--preload" in argv:
            pre = argv[argv.index("--preload") + 1]
        serve(pre)
    elif mode == "once":
        from .child import once
        once(argv[1], argv[2], argv[3])
    else:
        sys.stderr.write(USAGE)
        sys.exit(2)
