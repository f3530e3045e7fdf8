# The restrictions the Case2Code reference applies before a candidate runs. Prepended to both the
# Case2Code scorer harness (case2code.py) and the synthesis runner (synth_exec.py), so records are
# made under exactly the rules they are later judged by.


def _c2c_restrict():
    import builtins, faulthandler, os, shutil, subprocess, sys
    faulthandler.disable()
    for name in ("exit", "quit", "open", "help"):
        setattr(builtins, name, None)
    os.environ["OMP_NUM_THREADS"] = "1"
    for name in ("kill", "makedirs", "link", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir",
                 "setuid", "fork", "forkpty", "killpg", "rename", "renames", "truncate", "replace", "unlink",
                 "fchmod", "fchown", "chmod", "chown", "chroot", "lchflags", "lchmod", "lchown", "getcwd", "chdir"):
        setattr(os, name, None)
    for name in ("rmtree", "move", "chown"):
        setattr(shutil, name, None)
    subprocess.Popen = None
    for name in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[name] = None
    try:
        import sqlite3
        sqlite3.connect = None
    except ImportError:
        pass
