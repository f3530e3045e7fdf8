"""What runs in the judged child (forked from the server, or a fresh 'once' interpreter).

The child reports over a private pipe with a per-judgment nonce; exit codes and stdout are never
trusted, so a solution that exits early or prints fake results cannot produce a pass.
"""

import builtins
import os
import sys
import traceback

from .guards import child_guards, close_other_fds
from .integrity import Integrity, strip_judge_frames
from .protocol import cap, send
from .test_order import source_order, visit_order


def _result_class(base, outcomes):
    """A TestResult that also records each test's outcome where code in this process cannot reach it."""

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

    return _Result


def run_unittest(req):
    """BigCodeBench semantics: solution and test in one module, class TestCases run by unittest."""
    import types
    solution = req.get("solution", "")
    test_src = req.get("test", "")
    ordered = source_order(test_src)
    # compatOrder: the original's partial-test order (the convcodeworld profile), read before anything runs.
    out = {"status": "fail", "details": {}, "tests": ordered, "compatOrder": visit_order(test_src)[:50]}
    guard = Integrity()
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
        guard.verify_tests(test_class, names, ordered, module_name + ".py", solution_lines)
        if guard.violations:
            raise RuntimeError(guard.violations[0])
        guard.test_class = test_class
        guard.test_names = set(names)
        task_func = mod.__dict__.get("task_func")
        if callable(task_func):
            mod.__dict__["task_func"] = guard.guard_task_func(task_func)
        suite = guard.TestLoader().loadTestsFromTestCase(test_class)
        outcomes = {}  # kept apart from the result lists, which code in this process could reach
        result = _result_class(guard.TestResult, outcomes)()
        suite.run(result)
        for test, trace in list(result.failures) + list(result.errors):
            out["details"][test.id().split(".")[-1]] = cap(strip_judge_frames(trace))
        for test_id, outcome in outcomes.items():
            short = test_id.split(".")[-1]
            if outcome in ("fail", "error") and not any(k.startswith(short) for k in out["details"]):
                out["details"][short] = "test %s (its failure record was removed while tests ran)" % outcome
        for name in names:
            if not any(t.split(".")[-1] == name for t in outcomes):
                out["details"].setdefault(name, "test did not report an outcome")
        guard.check("after tests", check_builtins=False)  # records violations; reported just below
        if guard.violations:
            out["details"]["ALL"] = cap("; ".join(guard.violations[:5]))
        out["status"] = "pass" if not out["details"] and result.testsRun > 0 else "fail"
        if result.testsRun == 0 and not out["details"]:
            out["details"]["ALL"] = "no test was run"
    except BaseException as e:  # noqa: B036 - SystemExit and KeyboardInterrupt are failures too
        out["status"] = "fail"
        msg = str(e) if not guard.violations else "; ".join(guard.violations[:5])
        out["details"]["ALL"] = cap(msg or type(e).__name__)
    try:
        import matplotlib.pyplot as plt
        plt.close("all")
    except Exception:
        pass
    return out


def run_check(item):
    """One reasoning check: exec the code; ok unless it raises. Optional captured __result__."""
    g = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(compile(item.get("code", ""), "<check>", "exec"), g)
        res = {"ok": True}
        if "__result__" in g:
            res["value"] = g["__result__"]
        return res
    except BaseException as e:  # noqa: B036
        return {"ok": False, "error": cap("%s: %s" % (type(e).__name__, e), 2000)}


def run_syntax(req):
    # Compiled as the original's tmp.py; the judge's own frame is left out so the text does not
    # depend on where the judge lives.
    try:
        compile(req.get("code", ""), "tmp.py", "exec")
        return {"ok": True}
    except BaseException as e:  # noqa: B036
        text = "Traceback (most recent call last):\n" + "".join(traceback.format_exception_only(type(e), e))
        return {"ok": False, "error": cap(text, 8000)}


RUNNERS = {"unittest": run_unittest, "check": run_check, "syntax": run_syntax}


def child_main(job, wfd, nonce, workdir):
    """Runs in the forked child (or the fresh 'once' interpreter); never returns."""
    try:
        close_other_fds(wfd)
        child_guards(workdir)
        kind = job.get("kind")
        runner = RUNNERS.get(kind) if isinstance(kind, str) else None
        payload = runner(job) if runner else {"error": "unknown kind %r" % kind}
        send(wfd, nonce, payload)
    except BaseException as e:  # noqa: B036
        try:
            send(wfd, nonce, {"status": "fail", "details": {"ALL": "judge error: %s" % e}})
        except BaseException:  # noqa: B036
            pass
    os._exit(0)


def once(wfd, nonce, workdir):
    """The 'once' mode: one judgment read from stdin in this fresh interpreter."""
    import json
    job = json.loads(sys.stdin.read())
    child_main(job, int(wfd), nonce.encode(), workdir)
