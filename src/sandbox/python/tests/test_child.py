import unittest

from codeconv_judge import child, test_order
from tests.helpers import in_fork

TEST = """
import unittest
class Helper:
    def first(self):
        pass
class TestCases(unittest.TestCase):
    def setUp(self):
        pass
    def test_b(self):
        self.assertEqual(task_func(2), 4)
    def test_a(self):
        self.assertEqual(task_func(3), 9)
"""


class SourceNamesTest(unittest.TestCase):
    def test_source_order_and_visit_order(self):
        self.assertEqual(test_order.source_order(TEST), ["test_b", "test_a"])
        self.assertEqual(test_order.visit_order(TEST), ["first", "setUp", "test_b", "test_a"])

    def test_nested_definitions_take_places_and_nested_classes_come_twice(self):
        src = "class A:\n    def f(self):\n        def g():\n            pass\n    class B:\n        def h(self):\n            pass\n"
        self.assertEqual(test_order.visit_order(src), ["f", "g", "h", "h"])

    def test_unparsable_test_gives_no_names(self):
        self.assertEqual((test_order.source_order("class (:"), test_order.visit_order("class (:")), ([], []))


class CheckAndSyntaxTest(unittest.TestCase):
    def test_check_ok_with_result_value(self):
        self.assertEqual(child.run_check({"code": "__result__ = [1, 'a']"}), {"ok": True, "value": [1, "a"]})

    def test_check_failure_names_the_exception(self):
        self.assertEqual(child.run_check({"code": "assert 1 == 2"}), {"ok": False, "error": "AssertionError: "})

    def test_syntax(self):
        self.assertEqual(child.run_syntax({"code": "x = 1\n"}), {"ok": True})
        bad = child.run_syntax({"code": "def f(:\n    pass\n"})
        self.assertFalse(bad["ok"])
        self.assertTrue(bad["error"].startswith('Traceback (most recent call last):\n  File "tmp.py", line 1\n'))
        self.assertTrue(bad["error"].rstrip().endswith("SyntaxError: invalid syntax"))
        self.assertNotIn("judge", bad["error"])


def _unittest(solution, test=TEST):
    return child.run_unittest({"solution": solution, "test": test})


class UnittestTest(unittest.TestCase):
    def test_right_solution_passes(self):
        out = in_fork(_unittest, "def task_func(x):\n    return x * x\n")
        self.assertEqual(out["status"], "pass")
        self.assertEqual(out["details"], {})
        self.assertEqual(out["tests"], ["test_b", "test_a"])

    def test_failures_are_reported_per_test_without_judge_frames(self):
        out = in_fork(_unittest, "def task_func(x):\n    return x * x if x == 2 else 0\n")
        self.assertEqual(out["status"], "fail")
        self.assertEqual(list(out["details"]), ["test_a"])
        self.assertIn("AssertionError: 0 != 9", out["details"]["test_a"])
        self.assertNotIn("codeconv_judge", out["details"]["test_a"])

    def test_errors_inside_task_func_show_no_judge_frame(self):
        out = in_fork(_unittest, "def task_func(x):\n    raise ValueError('inside')\n")
        self.assertEqual(sorted(out["details"]), ["test_a", "test_b"])
        trace = out["details"]["test_a"]
        self.assertIn('File "__test__.py", line 2, in task_func', trace)
        self.assertIn("ValueError: inside", trace)
        self.assertNotIn("codeconv_judge", trace)
        self.assertNotIn("checked_task_func", trace)

    def test_module_level_error_is_all(self):
        out = in_fork(_unittest, "raise ValueError('at import')\n")
        self.assertEqual(out["status"], "fail")
        self.assertEqual(out["details"], {"ALL": "at import"})

    def test_system_exit_fails(self):
        out = in_fork(_unittest, "import sys\nsys.exit(0)\n")
        self.assertEqual(out["status"], "fail")
        self.assertIn("ALL", out["details"])

    def test_patching_the_test_machinery_fails(self):
        out = in_fork(_unittest, "import unittest\nunittest.TestCase.run = lambda self, result=None: None\n"
                                 "def task_func(x):\n    return 0\n")
        self.assertEqual(out["status"], "fail")
        self.assertIn("integrity", out["details"]["ALL"])

    def test_always_equal_result_fails(self):
        out = in_fork(_unittest, "class A:\n    def __eq__(self, o):\n        return True\n"
                                 "    def __ne__(self, o):\n        return False\n"
                                 "def task_func(x):\n    return A()\n")
        self.assertEqual(out["status"], "fail")
        self.assertIn("compares equal to anything", out["details"]["ALL"])

    def test_no_test_class_fails(self):
        out = in_fork(_unittest, "def task_func(x):\n    return x\n", "x = 1\n")
        self.assertEqual(out["status"], "fail")
        self.assertIn("TestCases is not a unittest.TestCase", out["details"]["ALL"])
