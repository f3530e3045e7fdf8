"""Judge that runs inside the sandbox.

Modes:
  serve  -- fork server: pre-imports heavy libraries once, then reads one JSON request per line on
            stdin and forks one child per judgment; answers one JSON line per request on stdout.
  once   -- one judgment in this (fresh) interpreter: request on stdin, answer on stdout.  This is
            the upstream way (one fresh python3 per task) and serves as the speed baseline.

Request kinds:
  unittest: {"id", "kind": "unittest", "solution", "test", "timeout"}  -> BigCodeBench semantics
  checks:   {"id", "kind": "checks", "items": [{"code", "timeout"}]}   -> one isolated child per item
  syntax:   {"id", "kind": "syntax", "code"}                           -> compile() feedback

The child reports over a private pipe with a per-judgment nonce; exit codes and stdout are never
trusted, so a solution that exits early or prints fake results cannot produce a pass.
"""

import ast
import builtins
import json
import os
import signal
import struct
import sys
import time
import traceback

SCRATCH = os.environ.get("JUDGE_SCRATCH", "/tmp")
MPL_SEED = "/opt/mplconfig"
DETAIL_CAP = 64 * 1024
MSG_CAP = 16 * 1024 * 1024
IS_INIT = os.getpid() == 1

_PRELOAD_DEFAULT = (
    "numpy,pandas,matplotlib,matplotlib.pyplot,scipy,scipy.stats,sklearn,sklearn.model_selection,"
    "sklearn.preprocessing,sklearn.linear_model,seaborn,statsmodels.api,requests,pytz,dateutil,PIL.Image,"
    "bs4,unittest,unittest.mock,json,re,random,datetime,collections,itertools,csv,io,math,statistics,"
    "hashlib,base64,string,subprocess,shutil,glob,pathlib,tempfile,time,struct,zipfile,sqlite3,socket"
)


# ----------------------------------------------------------------------------- helpers

def _cap(text, limit=DETAIL_CAP):
    text = str(text)
    if len(text) > limit:
        return text[:limit] + "\n...[truncated]"
    return text


def _set_nondumpable():
    # A non-dumpable process cannot be ptraced or have /proc/PID/mem or fd opened by same-uid code.
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:
        pass


def _oom_kills():
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        try:
            with open(path) as f:
                for line in f:
                    key, _, val = line.partition(" ")
                    if key == "oom_kill":
                        return int(val)
        except OSError:
            continue
    return None


class _NoInput:
    """stdin replacement: any read raises, as in the official harness."""

    def read(self, *a, **k):
        raise IOError("stdin is not readable in the sandbox")

    readline = readlines = read

    def __iter__(self):
        raise IOError("stdin is not readable in the sandbox")

    def fileno(self):
        raise IOError("stdin is not readable in the sandbox")

    def isatty(self):
        return False

    def close(self):
        pass


class _Sink:
    """stdout/stderr replacement that discards everything."""

    encoding = "utf-8"

    def write(self, s):
        return len(s)

    def writelines(self, lines):
        pass

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return 1


# ----------------------------------------------------------------------------- child side

def _child_guards(workdir):
    """Guards applied in the child before any untrusted code runs."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM, signal.SIGCHLD, signal.SIGPIPE):
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    try:
        os.setsid()
    except OSError:
        pass
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")  # the out-of-memory killer takes the judged code, not the server
    except OSError:
        pass
    import resource
    try:
        resource.setrlimit(resource.RLIMIT_STACK, (10 * 1024 * 1024, 10 * 1024 * 1024))
    except (ValueError, OSError):
        pass
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    os.environ["TZ"] = "UTC"
    os.environ["OMP_NUM_THREADS"] = "1"
    time.tzset()
    os.makedirs(workdir, exist_ok=True)
    os.chdir(workdir)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = _NoInput()
    sys.stdout = _Sink()
    sys.stderr = _Sink()
    builtins.exit = None
    builtins.quit = None
    import faulthandler
    if faulthandler.is_enabled():
        faulthandler.disable()


def _send(wfd, nonce, payload):
    data = json.dumps(payload, default=str).encode("utf-8", "replace")
    if len(data) > MSG_CAP:
        data = json.dumps({"status": "fail", "details": {"ALL": "result too large"}}).encode()
    msg = nonce + struct.pack(">I", len(data)) + data
    view = memoryview(msg)
    while view:
        n = os.write(wfd, view)
        view = view[n:]


class _Integrity:
    """Snapshots of what the test machinery relies on, and an audit hook that guards them."""

    def __init__(self):
        import unittest
        import unittest.case
        import unittest.loader
        import unittest.result
        import unittest.suite
        import unittest.runner
        self.unittest = unittest
        self.TestCase = unittest.case.TestCase
        self.TestLoader = unittest.loader.TestLoader
        self.TestResult = unittest.result.TestResult
        self.modules = {name: sys.modules[name] for name in
                        ("unittest", "unittest.case", "unittest.loader", "unittest.result",
                         "unittest.suite", "unittest.runner")}
        self.module_dicts = {name: dict(m.__dict__) for name, m in self.modules.items()}
        self.classes = [self.TestCase, self.TestLoader, self.TestResult, unittest.suite.TestSuite,
                        unittest.suite.BaseTestSuite, unittest.case._Outcome]
        self.class_dicts = [dict(c.__dict__) for c in self.classes]
        self.builtins = dict(builtins.__dict__)
        self.violations = []
        self.test_class = None
        self.test_names = set()

    def audit(self, event, args):
        if event in ("object.__setattr__", "object.__delattr__"):
            obj, name = args[0], args[1]
            value = args[2] if len(args) > 2 else None
            guarded = any(obj is c for c in self.classes)
            if obj is self.test_class and obj is not None:
                guarded = name in self.test_names or name in self.TestCase.__dict__
            if guarded and (event == "object.__delattr__" or callable(value) or isinstance(value, type)):
                msg = "integrity: attempt to replace %s.%s" % (getattr(obj, "__name__", "?"), name)
                self.violations.append(msg)
                raise RuntimeError(msg)
        elif event in ("gc.get_objects", "gc.get_referrers"):
            raise RuntimeError("integrity: %s is not allowed in the sandbox" % event)

    def check(self, where, check_builtins):
        found = []
        for name, mod in self.modules.items():
            if sys.modules.get(name) is not mod:
                found.append("sys.modules[%r] was replaced" % name)
            snap = self.module_dicts[name]
            for key, val in snap.items():
                if key.startswith("__") or key in ("_registry",):
                    continue
                if mod.__dict__.get(key) is not val:
                    found.append("%s.%s was changed" % (name, key))
        for cls, snap in zip(self.classes, self.class_dicts):
            now = cls.__dict__
            for key in set(snap) | set(now):
                if key in ("__doc__", "__weakref__", "__dict__", "_abc_impl", "maxDiff", "longMessage"):
                    continue
                if now.get(key) is not snap.get(key) and (callable(now.get(key)) or callable(snap.get(key))):
                    found.append("%s.%s was changed" % (cls.__name__, key))
        if check_builtins:
            for key, val in self.builtins.items():
                if key in ("exit", "quit", "_", "copyright", "credits", "license", "help"):
                    continue
                if builtins.__dict__.get(key) is not val:
                    found.append("builtins.%s was changed" % key)
                    builtins.__dict__[key] = val  # the judge itself needs working builtins
        for f in found:
            self.violations.append("integrity (%s): %s" % (where, f))
        return not found


def _always_equal(value, depth=0):
    """True when value compares equal to a fresh object nothing legitimate can equal."""
    if depth > 2:
        return False
    sentinel = object.__new__(type("Sentinel", (), {}))
    try:
        r = value == sentinel
    except Exception:
        r = False
    try:
        if r is not NotImplemented and not hasattr(r, "shape") and not isinstance(r, (list, tuple, dict)) and bool(r):
            return True
    except Exception:
        pass
    try:
        n = value != sentinel
        if n is not NotImplemented and not hasattr(n, "shape") and not isinstance(n, (list, tuple, dict)) and not bool(n):
            return True
    except Exception:
        pass
    if isinstance(value, (list, tuple)):
        return any(_always_equal(v, depth + 1) for v in list(value)[:50])
    if isinstance(value, dict):
        return any(_always_equal(v, depth + 1) for v in list(value.values())[:50])
    return False


_JUDGE_FRAME = None


def _strip_judge_frames(trace):
    """Drops the judge's own frames (the task_func guard) so tracebacks read as upstream's do."""
    global _JUDGE_FRAME
    if _JUDGE_FRAME is None:
        import re
        _JUDGE_FRAME = re.compile(r'  File "%s", line \d+, in [^\n]*\n(?:    (?!File)[^\n]*\n)*' % re.escape(os.path.abspath(__file__)))
    return _JUDGE_FRAME.sub("", trace)


def _source_test_names(test_src):
    """Test methods of class TestCases in source order, and the compat 'first functions' walk."""
    try:
        tree = ast.parse(test_src)
    except SyntaxError:
        return [], []
    ordered = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "TestCases":
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    ordered.append(item.name)
    compat = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    compat.append(item.name)
    return ordered, compat


def _run_unittest(req):
    import types
    solution = req.get("solution", "")
    test_src = req.get("test", "")
    ordered, compat = _source_test_names(test_src)
    out = {"status": "fail", "details": {}, "tests": ordered, "compatOrder": compat[:50]}
    guard = _Integrity()
    sys.addaudithook(guard.audit)
    module_name = "__test__"
    mod = types.ModuleType(module_name)
    mod.__dict__.update({"__builtins__": builtins, "__file__": module_name + ".py", "__package__": None,
                         "__doc__": None, "sys": sys, "os": os, "environ": os.environ})
    solution_lines = solution.count("\n") + 1
    try:
        code = compile(solution + "\n" + test_src, module_name + ".py", "exec")
        exec(code, mod.__dict__)
        sys.modules[module_name] = mod
        guard.check("after loading", check_builtins=True)
        test_class = mod.__dict__.get("TestCases")
        if not isinstance(test_class, type) or not issubclass(test_class, guard.TestCase):
            guard.violations.append("integrity: TestCases is not a unittest.TestCase from the real unittest")
            raise RuntimeError(guard.violations[-1])
        names = guard.TestLoader.getTestCaseNames(guard.TestLoader(), test_class)
        import inspect
        for name in names:
            fn = test_class.__dict__.get(name, getattr(test_class, name, None))
            try:
                fn = inspect.unwrap(fn)  # @patch and other decorators wrap the test function
            except ValueError:
                pass
            fcode = getattr(fn, "__code__", None)
            if fcode is None or fcode.co_filename != module_name + ".py" or fcode.co_firstlineno <= solution_lines:
                guard.violations.append("integrity: test method %s does not come from the test code" % name)
        if set(ordered) - set(names):
            guard.violations.append("integrity: test methods missing at run time: %s" % sorted(set(ordered) - set(names)))
        if guard.violations:
            raise RuntimeError(guard.violations[0])
        guard.test_class = test_class
        guard.test_names = set(names)
        task_func = mod.__dict__.get("task_func")
        if callable(task_func):
            import functools

            @functools.wraps(task_func)
            def checked_task_func(*args, **kwargs):
                result = task_func(*args, **kwargs)
                if _always_equal(result):
                    guard.violations.append("integrity: task_func returned an object that compares equal to anything")
                    raise AssertionError(guard.violations[-1])
                return result

            mod.__dict__["task_func"] = checked_task_func
        suite = guard.TestLoader().loadTestsFromTestCase(test_class)
        outcomes = {}  # kept apart from the result lists, which code in this process could reach
        base = guard.TestResult

        class _Result(base):
            def addSuccess(self, test):
                outcomes.setdefault(test.id(), "ok")
                base.addSuccess(self, test)

            def addFailure(self, test, err):
                outcomes[test.id()] = "fail"
                base.addFailure(self, test, err)

            def addError(self, test, err):
                outcomes[getattr(test, "id", lambda: "?")()] = "error"
                base.addError(self, test, err)

            def addSubTest(self, test, subtest, err):
                if err is not None:
                    outcomes[test.id()] = "fail"
                base.addSubTest(self, test, subtest, err)

            def addSkip(self, test, reason):
                outcomes.setdefault(test.id(), "skip")
                base.addSkip(self, test, reason)

        result = _Result()
        suite.run(result)
        for test, trace in list(result.failures) + list(result.errors):
            out["details"][test.id().split(".")[-1]] = _cap(_strip_judge_frames(trace))
        for test_id, outcome in outcomes.items():
            short = test_id.split(".")[-1]
            if outcome in ("fail", "error") and not any(k.startswith(short) for k in out["details"]):
                out["details"][short] = "test %s (its failure record was removed while tests ran)" % outcome
        for name in names:
            if not any(t.split(".")[-1] == name for t in outcomes):
                out["details"].setdefault(name, "test did not report an outcome")
        guard.check("after tests", check_builtins=False)  # records violations; reported just below
        if guard.violations:
            out["details"]["ALL"] = _cap("; ".join(guard.violations[:5]))
        out["status"] = "pass" if not out["details"] and result.testsRun > 0 else "fail"
        if result.testsRun == 0 and not out["details"]:
            out["details"]["ALL"] = "no test was run"
    except BaseException as e:  # noqa: B036 - SystemExit and KeyboardInterrupt are failures too
        out["status"] = "fail"
        msg = str(e) if not guard.violations else "; ".join(guard.violations[:5])
        out["details"]["ALL"] = _cap(msg or type(e).__name__)
    try:
        import matplotlib.pyplot as plt
        plt.close("all")
    except Exception:
        pass
    return out


def _run_check(item):
    """One reasoning check: exec the code; ok unless it raises. Optional captured __result__."""
    g = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(compile(item.get("code", ""), "<check>", "exec"), g)
        res = {"ok": True}
        if "__result__" in g:
            res["value"] = g["__result__"]
        return res
    except BaseException as e:  # noqa: B036
        return {"ok": False, "error": _cap("%s: %s" % (type(e).__name__, e), 2000)}


def _run_syntax(req):
    try:
        compile(req.get("code", ""), "<string>", "exec")
        return {"ok": True}
    except BaseException:  # noqa: B036
        return {"ok": False, "error": _cap(traceback.format_exc(), 8000)}


def _child_main(job, wfd, nonce, workdir):
    """Runs in the forked child (or the fresh 'once' interpreter); never returns."""
    try:
        # Only the result pipe survives: the server's channel to the host must be out of reach.
        os.closerange(3, wfd)
        os.closerange(wfd + 1, 65536)
        _child_guards(workdir)
        kind = job.get("kind")
        if kind == "unittest":
            payload = _run_unittest(job)
        elif kind == "check":
            payload = _run_check(job)
        elif kind == "syntax":
            payload = _run_syntax(job)
        else:
            payload = {"error": "unknown kind %r" % kind}
        _send(wfd, nonce, payload)
    except BaseException as e:  # noqa: B036
        try:
            _send(wfd, nonce, {"status": "fail", "details": {"ALL": "judge error: %s" % e}})
        except BaseException:  # noqa: B036
            pass
    os._exit(0)


# ----------------------------------------------------------------------------- server side

def _read_message(rfd, nonce, pid, deadline):
    """Reads one framed message from the child. Returns (payload|None, exit_status|None, timed_out)."""
    import select
    buf = b""
    need = len(nonce) + 4
    exit_status = None
    while True:
        if exit_status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                exit_status = st
        now = time.monotonic()
        if now >= deadline:
            return None, exit_status, True
        wait = min(0.05, deadline - now) if exit_status is None else 0
        ready, _, _ = select.select([rfd], [], [], wait)
        if ready:
            chunk = os.read(rfd, 1 << 16)
            if not chunk:
                break
            buf += chunk
            if len(buf) > MSG_CAP + need:
                break
            if len(buf) >= need:
                if buf[:len(nonce)] != nonce:
                    return {"forged": True}, exit_status, False
                size = struct.unpack(">I", buf[len(nonce):need])[0]
                if len(buf) >= need + size:
                    try:
                        return json.loads(buf[need:need + size].decode("utf-8", "replace")), exit_status, False
                    except ValueError:
                        return {"forged": True}, exit_status, False
        elif exit_status is not None:
            break
    end = time.monotonic() + 0.2
    while exit_status is None and time.monotonic() < end:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            exit_status = st
            break
        time.sleep(0.002)
    return None, exit_status, False


def _kill_everything(pid):
    """Kills the child and everything it started; with PID 1 that is every other process in the container."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    # SIGKILL cannot be caught, so this wait is short; waiting beats polling the exit teardown.
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    if not IS_INIT:
        return True
    for attempt in range(220):
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        while True:
            try:
                reaped, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if reaped == 0:
                break
        others = [p for p in os.listdir("/proc") if p.isdigit() and p != "1"]
        if not others:
            return True
        time.sleep(0.0005 if attempt < 20 else 0.005)
    _unclean.append("processes left: %s" % ",".join(_comm(p) for p in others[:5]))
    return False


def _comm(pid):
    try:
        with open("/proc/%s/stat" % pid) as f:
            return "%s%s" % (pid, f.read().split(")")[0].split("(")[-1:])
    except OSError:
        return pid


_unclean = []


def _wipe(path, keep=None):
    """Empties path except mount points and the entry named keep; True when nothing else is left."""
    import shutil
    import stat

    def onerror(func, p, _exc):
        try:
            os.chmod(os.path.dirname(p), stat.S_IRWXU)
            os.chmod(p, stat.S_IRWXU)
            func(p)
        except OSError:
            pass

    if not os.path.isdir(path):
        return True

    def entries():
        # A mount point inside the scratch (the local sandbox binds the judge there) stays.
        return [n for n in os.listdir(path) if n != keep and not os.path.ismount(os.path.join(path, n))]

    for name in entries():
        full = os.path.join(path, name)
        try:
            os.chmod(full, stat.S_IRWXU) if os.path.isdir(full) and not os.path.islink(full) else None
        except OSError:
            pass
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full, onerror=onerror)
        else:
            try:
                os.unlink(full)
            except OSError:
                pass
    return not entries()


def _reset_container():
    """After untrusted code ran: scratch, shared memory and IPC are empty again, or we say so."""
    ok = _wipe(SCRATCH, keep=_intact_mpl())
    if not ok:
        _unclean.append("scratch not empty: %s" % os.listdir(SCRATCH)[:5])
    if os.path.isdir("/dev/shm") and not _wipe("/dev/shm"):
        ok = False
        _unclean.append("/dev/shm not empty")
    for kind in ("shm", "sem", "msg"):
        try:
            with open("/proc/sysvipc/" + kind) as f:
                if len(f.read().strip().splitlines()) > 1:
                    ok = False
                    _unclean.append("System V %s left" % kind)
        except OSError:
            pass
    _prepare_scratch()
    return ok


def _prepare_scratch():
    mpl = os.environ.get("MPLCONFIGDIR")
    if mpl and os.path.isdir(MPL_SEED) and not os.path.exists(mpl):
        import shutil
        try:
            shutil.copytree(MPL_SEED, mpl)
            _mpl_state[0] = _tree_state(mpl)
        except OSError:
            _mpl_state[0] = None


_mpl_state = [None]


def _tree_state(path):
    """Type, size, inode and times of path and everything below it. The judged code can set mtimes
    back but not ctimes, so any write, rename, chmod or utime shows up here."""
    out = []
    for root, dirs, files in os.walk(path):
        st = os.lstat(root)
        out.append((root, st.st_mode, st.st_ino, st.st_mtime_ns, st.st_ctime_ns))
        for name in sorted(files) + sorted(d for d in dirs if os.path.islink(os.path.join(root, d))):
            st = os.lstat(os.path.join(root, name))
            out.append((os.path.join(root, name), st.st_mode, st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns))
    return out


def _intact_mpl():
    """The matplotlib config copy's name in the scratch when untouched since it was copied (so the
    wipe keeps it instead of copying it again), else None."""
    mpl = os.environ.get("MPLCONFIGDIR")
    if not mpl or _mpl_state[0] is None or os.path.dirname(mpl.rstrip("/")) != SCRATCH.rstrip("/"):
        return None
    try:
        return os.path.basename(mpl.rstrip("/")) if _tree_state(mpl) == _mpl_state[0] else None
    except OSError:
        return None


_counter = [0]


def _judge_one(job, timeout, fresh, watch_oom=True):
    """Runs one job in an isolated child and returns (payload, meta)."""
    _counter[0] += 1
    workdir = os.path.join(SCRATCH, "work-%d" % _counter[0])
    nonce = os.urandom(16).hex().encode()
    oom_before = _oom_kills() if watch_oom else None
    start = time.monotonic()
    rfd, wfd = os.pipe()
    if fresh:
        import subprocess
        # The upstream way: a fresh interpreter, with its own random string-hash seed.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
        proc = subprocess.Popen(
            [sys.executable, "-P", "-s", "-B", os.path.abspath(__file__), "once", str(wfd), nonce.decode(), workdir],
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
            _child_main(job, wfd, nonce, workdir)
        os.close(wfd)
    payload, exit_status, timed_out = _read_message(rfd, nonce, pid, start + timeout)
    duration = time.monotonic() - start
    os.close(rfd)
    clean = _kill_everything(pid)
    if fresh:
        try:
            proc.wait(timeout=1)
        except Exception:
            pass
    oom_after = _oom_kills() if watch_oom else None
    oom = oom_before is not None and oom_after is not None and oom_after > oom_before
    meta = {"durationMs": round(duration * 1000, 3), "timedOut": timed_out, "oom": oom,
            "clean": clean and (_reset_container() if IS_INIT else _wipe_workdir(workdir))}
    if _unclean:
        meta["unclean"] = "; ".join(_unclean)
        del _unclean[:]
    if payload is None and not timed_out:
        sig = os.WTERMSIG(exit_status) if exit_status is not None and os.WIFSIGNALED(exit_status) else None
        code = os.WEXITSTATUS(exit_status) if exit_status is not None and os.WIFEXITED(exit_status) else None
        meta["exit"] = {"signal": sig, "code": code}
    return payload, meta


def _wipe_workdir(workdir):
    import shutil
    shutil.rmtree(workdir, ignore_errors=True)
    return True


def _handle(req):
    kind = req.get("kind")
    fresh = bool(req.get("fresh"))
    if kind == "unittest":
        timeout = float(req.get("timeout", 240)) + 1.0
        payload, meta = _judge_one(req, timeout, fresh)
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
    if kind == "checks":
        results = []
        clean = True
        for item in req.get("items", []):
            # A check's answer has no out-of-memory flag, so the cgroup counters are not read for it.
            payload, meta = _judge_one(dict(item, kind="check"), float(item.get("timeout", 3)), fresh, watch_oom=False)
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
    if kind == "syntax":
        payload, meta = _judge_one(req, float(req.get("timeout", 10)), False)
        res = payload if payload and not payload.get("forged") else {"ok": False, "error": "syntax check failed to report"}
        res.update(meta)
        return res
    if kind == "ping":
        return {"pong": True}
    return {"error": "unknown request kind %r" % kind}


def serve(preload):
    _set_nondumpable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not IS_INIT:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ.setdefault("TZ", "UTC")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    time.tzset()
    _prepare_scratch()
    # What every judgment needs, imported once here so that no forked child pays for it
    # (the 'once' baseline keeps importing them lazily, as before).
    import faulthandler, resource, select, shutil, stat  # noqa: E401,F401
    loaded, failed = [], []
    t0 = time.monotonic()
    import importlib
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in [m for m in preload.split(",") if m]:
            try:
                importlib.import_module(name)
                loaded.append(name)
            except BaseException:  # noqa: B036
                failed.append(name)
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
    out.write(json.dumps({"ready": True, "python": sys.version.split()[0], "pid": os.getpid(),
                          "preloaded": loaded, "missing": failed,
                          "preloadMs": round((time.monotonic() - t0) * 1000)}) + "\n")
    for line in inp:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            out.write(json.dumps({"error": "bad request: %s" % e}) + "\n")
            continue
        try:
            res = _handle(req)
        except BaseException as e:  # noqa: B036
            res = {"error": "judge server error: %s" % e, "clean": False}
        res["id"] = req.get("id")
        out.write(json.dumps(res, default=str) + "\n")


def once(wfd, nonce, workdir):
    job = json.loads(sys.stdin.read())
    _child_main(job, int(wfd), nonce.encode(), workdir)


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if mode == "serve":
        pre = _PRELOAD_DEFAULT
        if "--preload" in sys.argv:
            pre = sys.argv[sys.argv.index("--preload") + 1]
        serve(pre)
    elif mode == "once":
        once(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.stderr.write("usage: judge.py serve [--preload mods] | once WFD NONCE WORKDIR\n")
        sys.exit(2)
