"""Process guards: the server makes itself untraceable; each child is confined before untrusted code runs."""

import builtins
import os
import signal
import sys
import time


def set_nondumpable():
    # A non-dumpable process cannot be ptraced or have /proc/PID/mem or fd opened by same-uid code.
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:
        pass


class NoInput:
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


class Sink:
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


def close_other_fds(keep):
    """Only the result pipe survives: the server's channel to the host must be out of reach."""
    os.closerange(3, keep)
    os.closerange(keep + 1, 65536)


def child_guards(workdir):
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
    sys.stdin = NoInput()
    sys.stdout = Sink()
    sys.stderr = Sink()
    builtins.exit = None
    builtins.quit = None
    import faulthandler
    if faulthandler.is_enabled():
        faulthandler.disable()
