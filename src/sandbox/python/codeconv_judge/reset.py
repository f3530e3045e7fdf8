"""After a judgment: kill what the judged code started and return the sandbox to its start state,
or say what could not be cleaned (the host then replaces the sandbox)."""

import os
import shutil
import signal
import stat
import time

SCRATCH = os.environ.get("JUDGE_SCRATCH", "/tmp")
MPL_SEED = "/opt/mplconfig"
# As PID 1 (a container or bubblewrap's --as-pid-1) the judge owns every other process it sees.
IS_INIT = os.getpid() == 1

unclean = []  # why the last reset was not clean; the server reports and empties it
_mpl_state = [None]


def oom_kills():
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


def kill_everything(pid):
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
    unclean.append("processes left: %s" % ",".join(_comm(p) for p in others[:5]))
    return False


def _comm(pid):
    try:
        with open("/proc/%s/stat" % pid) as f:
            return "%s%s" % (pid, f.read().split(")")[0].split("(")[-1:])
    except OSError:
        return pid


def wipe(path, keep=None):
    """Empties path except mount points and the entry named keep; True when nothing else is left."""

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


def reset_container():
    """After untrusted code ran: scratch, /dev/shm and IPC are empty again, or we say so."""
    ok = wipe(SCRATCH, keep=_intact_mpl())
    if not ok:
        unclean.append("scratch not empty: %s" % os.listdir(SCRATCH)[:5])
    if os.path.isdir("/dev/shm") and not wipe("/dev/shm"):
        ok = False
        unclean.append("/dev/shm not empty")
    for kind in ("shm", "sem", "msg"):
        try:
            with open("/proc/sysvipc/" + kind) as f:
                if len(f.read().strip().splitlines()) > 1:
                    ok = False
                    unclean.append("System V %s left" % kind)
        except OSError:
            pass
    prepare_scratch()
    return ok


def wipe_workdir(workdir):
    shutil.rmtree(workdir, ignore_errors=True)
    return True


def prepare_scratch():
    """Copies the image's matplotlib config into the scratch, where matplotlib may write to it."""
    mpl = os.environ.get("MPLCONFIGDIR")
    if mpl and os.path.isdir(MPL_SEED) and not os.path.exists(mpl):
        try:
            shutil.copytree(MPL_SEED, mpl)
            _mpl_state[0] = tree_state(mpl)
        except OSError:
            _mpl_state[0] = None


def tree_state(path):
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
        return os.path.basename(mpl.rstrip("/")) if tree_state(mpl) == _mpl_state[0] else None
    except OSError:
        return None
