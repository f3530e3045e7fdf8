"""The reasoning programs kept beside the judge (loaded as text by src/reasoning/*.ts)."""

import os
import unittest

from tests.helpers import JUDGE_DIR, in_fork


def _load(name):
    # case2code.py is sent with restrict.py before it, as src/reasoning/case2code.ts does.
    g = {"__name__": "__main__"}
    for part in (["restrict.py"] if name == "case2code.py" else []) + [name]:
        with open(os.path.join(JUDGE_DIR, "reasoning", part)) as f:
            exec(compile(f.read(), part, "exec"), g)
    return g


class LiteralClassifierTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.classify = staticmethod(_load("literal.py")["_lt_classify"])

    def test_plain_literal_comparisons_are_decided(self):
        self.assertIs(self.classify("def f(x):\n    return x\nassert [1, 'a'] == [1, 'a']"), True)
        self.assertEqual(self.classify("assert (1, 2) == (2, 1)"), "AssertionError: ")
        self.assertEqual(self.classify("assert -1 == -1"), True)

    def test_errors_of_a_real_run_are_reproduced(self):
        self.assertTrue(self.classify("assert {[1]} == {1}").startswith("TypeError: "))
        self.assertTrue(self.classify("assert 1 ==").startswith("SyntaxError: "))

    def test_anything_that_runs_code_is_left_to_a_real_run(self):
        for src in ("assert f(1) == 2", "x = 1\nassert 1 == 1", "@dec\ndef f():\n    pass\nassert 1 == 1",
                    "def f(a=g()):\n    pass\nassert 1 == 1", "assert 1 == 1, 'msg'", "assert 1 != 2", "print(1)"):
            self.assertIsNone(self.classify(src), src)

    def test_main_decodes_a_json_list(self):
        main = _load("literal.py")["_lt_main"]
        self.assertEqual(main('["assert 1 == 1", "assert 1 == 2", "assert f() == 1"]'), [True, "AssertionError: ", None])


def _case2code(src):
    return _load("case2code.py")["_c2c_main"](src)


class Case2CodeTest(unittest.TestCase):
    def test_parse_records_returns_and_exceptions(self):
        parse = _load("case2code.py")["_c2c_parse"]
        text = "noise\n@@C2C:OUTPUTS:BEGIN@@\n<|OUT|>\n<|RETURN|> \"3\"\n<|OUT|>\nhi\r\n<|EXCEPTION|> \"E\"\n@@C2C:OUTPUTS:END@@\n"
        self.assertEqual(parse(text), (['"3"', 'hi\n<|EXCEPTION|> "E"'], None))
        self.assertEqual(parse("nothing"), (None, "no output"))

    def test_main_runs_examples_under_the_reference_restrictions(self):
        program = ("def f(a):\n    return a * 2\n\nexamples = [{'a': 1}, {'a': 'x'}, {'a': None}]\n"
                   "print('@@C2C:OUTPUTS:BEGIN@@')\nfor ex in examples:\n    print('<|OUT|>')\n    try:\n"
                   "        r = f(**ex)\n        print('<|RETURN|>', json.dumps(repr(r)))\n    except Exception as e:\n"
                   "        print('<|EXCEPTION|>', json.dumps(str(type(e)) + ': ' + str(e)))\n"
                   "print('@@C2C:OUTPUTS:END@@')\n")
        out = in_fork(_case2code, program)
        self.assertIsNone(out["crash"])
        self.assertEqual(out["outputs"][:2], ['"2"', "\"'xx'\""])
        self.assertIn("<|EXCEPTION|>", out["outputs"][2])

    def test_restricted_functions_crash_the_candidate(self):
        out = in_fork(_case2code, "import os\nos.remove('/nonexistent')\n")
        self.assertEqual(out["outputs"], None)
        self.assertIn("TypeError", out["crash"])
