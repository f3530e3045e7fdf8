"""Integrity of a unittest judgment: what the test machinery relies on is snapshotted and guarded,
so judged code cannot turn a failing suite into a pass by patching unittest, the test class or
builtins, by walking the heap, or by returning an object equal to anything."""

import builtins
import os
import re
import sys

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# Frames of any file of this package (the task_func guard below) are dropped from tracebacks.
_JUDGE_FRAME = re.compile(r'  File "%s%s[^"]*", line \d+, in [^\n]*\n(?:    (?!File)[^\n]*\n)*'
                          % (re.escape(_PACKAGE_DIR), re.escape(os.sep)))


class Integrity:
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

    def verify_tests(self, test_class, names, ordered, module_file, solution_lines):
        """Records a violation for each test method not written in the test code, or gone missing."""
        import inspect
        for name in names:
            fn = test_class.__dict__.get(name, getattr(test_class, name, None))
            try:
                fn = inspect.unwrap(fn)  # @patch and other decorators wrap the test function
            except ValueError:
                pass
            fcode = getattr(fn, "__code__", None)
            if fcode is None or fcode.co_filename != module_file or fcode.co_firstlineno <= solution_lines:
                self.violations.append("integrity: test method %s does not come from the test code" % name)
        if set(ordered) - set(names):
            self.violations.append("integrity: test methods missing at run time: %s" % sorted(set(ordered) - set(names)))

    def guard_task_func(self, task_func):
        """task_func wrapped so that a result comparing equal to anything fails the test."""
        import functools

        @functools.wraps(task_func)
        def checked_task_func(*args, **kwargs):
            result = task_func(*args, **kwargs)
            if always_equal(result):
                self.violations.append("integrity: task_func returned an object that compares equal to anything")
                raise AssertionError(self.violations[-1])
            return result

        return checked_task_func


def always_equal(value, depth=0):
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
        return any(always_equal(v, depth + 1) for v in list(value)[:50])
    if isinstance(value, dict):
        return any(always_equal(v, depth + 1) for v in list(value.values())[:50])
    return False


def strip_judge_frames(trace):
    """Drops the judge's own frames (the task_func guard) so tracebacks read as upstream's do."""
    return _JUDGE_FRAME.sub("", trace)
