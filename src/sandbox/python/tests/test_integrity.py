import unittest

from codeconv_judge import integrity
from tests.helpers import in_fork


class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class AlwaysEqualTest(unittest.TestCase):
    def test_ordinary_values_are_not_always_equal(self):
        for v in (0, 1.5, "x", None, [1, 2], {"a": (1, 2)}, {1, 2}, object()):
            self.assertFalse(integrity.always_equal(v), repr(v))

    def test_an_object_equal_to_anything_is_caught_also_when_nested(self):
        self.assertTrue(integrity.always_equal(Anything()))
        self.assertTrue(integrity.always_equal([1, Anything()]))
        self.assertTrue(integrity.always_equal({"k": (Anything(),)}))

    def test_nesting_deeper_than_two_levels_is_not_searched(self):
        self.assertFalse(integrity.always_equal([[[[Anything()]]]]))


class StripFramesTest(unittest.TestCase):
    def test_only_the_judge_package_frames_go(self):
        judge_file = integrity.__file__
        trace = (
            'Traceback (most recent call last):\n'
            '  File "__test__.py", line 9, in test_a\n'
            '    self.assertEqual(task_func(2), 4)\n'
            '  File "%s", line 120, in checked_task_func\n'
            '    result = task_func(*args, **kwargs)\n'
            '             ^^^^^^^^^^^^^^^^^^^^^^^^^^\n'
            '  File "__test__.py", line 2, in task_func\n'
            '    raise ValueError("x")\n'
            'ValueError: x\n' % judge_file)
        self.assertEqual(integrity.strip_judge_frames(trace), (
            'Traceback (most recent call last):\n'
            '  File "__test__.py", line 9, in test_a\n'
            '    self.assertEqual(task_func(2), 4)\n'
            '  File "__test__.py", line 2, in task_func\n'
            '    raise ValueError("x")\n'
            'ValueError: x\n'))


def _audit_blocks_replacing_assert_equal():
    import unittest as ut
    guard = integrity.Integrity()
    try:
        guard.audit("object.__setattr__", (ut.TestCase, "assertEqual", lambda *a: None))
    except RuntimeError as e:
        return [str(e), guard.violations]
    return None


def _audit_blocks_gc_walks():
    guard = integrity.Integrity()
    try:
        guard.audit("gc.get_objects", (0,))
    except RuntimeError as e:
        return str(e)
    return None


def _audit_allows_plain_attributes():
    import unittest as ut
    guard = integrity.Integrity()
    guard.audit("object.__setattr__", (ut.TestCase, "maxDiff", None))
    return guard.violations


def _check_finds_and_repairs_builtins():
    import builtins
    guard = integrity.Integrity()
    real = builtins.len
    builtins.len = lambda x: 0
    clean = guard.check("after loading", check_builtins=True)
    return [clean, builtins.len is real, guard.violations]


def _check_finds_patched_test_case():
    import unittest as ut
    guard = integrity.Integrity()
    ut.TestCase.run = lambda self, result=None: None
    return [guard.check("after tests", check_builtins=False), guard.violations]


def _verify_flags_methods_from_the_solution():
    import types
    import unittest as ut
    guard = integrity.Integrity()
    mod = types.ModuleType("__test__")
    solution = "def fake(self):\n    pass\n"
    test = "import unittest\nclass TestCases(unittest.TestCase):\n    def test_a(self):\n        pass\n"
    exec(compile(solution + "\n" + test, "__test__.py", "exec"), mod.__dict__)
    cls = mod.TestCases
    cls.test_b = mod.fake
    names = ut.TestLoader.getTestCaseNames(ut.TestLoader(), cls)
    guard.verify_tests(cls, names, ["test_a", "test_c"], "__test__.py", solution.count("\n") + 1)
    return guard.violations


def _guarded_task_func():
    guard = integrity.Integrity()
    ok = guard.guard_task_func(lambda x: x * x)(3)
    try:
        guard.guard_task_func(lambda: Anything())()
    except AssertionError as e:
        return [ok, str(e)]
    return [ok, None]


class IntegrityTest(unittest.TestCase):
    def test_audit_blocks_replacing_test_machinery(self):
        msg, violations = in_fork(_audit_blocks_replacing_assert_equal)
        self.assertIn("TestCase.assertEqual", msg)
        self.assertEqual(len(violations), 1)

    def test_audit_blocks_heap_walks(self):
        self.assertIn("gc.get_objects", in_fork(_audit_blocks_gc_walks))

    def test_audit_allows_non_callable_attributes(self):
        self.assertEqual(in_fork(_audit_allows_plain_attributes), [])

    def test_check_reports_and_repairs_replaced_builtins(self):
        clean, restored, violations = in_fork(_check_finds_and_repairs_builtins)
        self.assertFalse(clean)
        self.assertTrue(restored)
        self.assertEqual(violations, ["integrity (after loading): builtins.len was changed"])

    def test_check_reports_a_patched_test_case(self):
        clean, violations = in_fork(_check_finds_patched_test_case)
        self.assertFalse(clean)
        self.assertIn("integrity (after tests): TestCase.run was changed", violations)

    def test_verify_flags_foreign_and_missing_test_methods(self):
        self.assertEqual(in_fork(_verify_flags_methods_from_the_solution), [
            "integrity: test method test_b does not come from the test code",
            "integrity: test methods missing at run time: ['test_c']",
        ])

    def test_guarded_task_func_passes_values_and_stops_always_equal_results(self):
        ok, err = in_fork(_guarded_task_func)
        self.assertEqual(ok, 9)
        self.assertIn("compares equal to anything", err)
