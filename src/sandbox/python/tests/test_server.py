"""The fork server end to end, as the host drives it: one JSON line per request, replies by id."""

import json
import os
import subprocess
import sys
import unittest

from tests.helpers import LAUNCHER, scratch

SQUARE_TEST = ("import unittest\nclass TestCases(unittest.TestCase):\n"
               "    def test_sq(self):\n        self.assertEqual(task_func(7), 49)\n")


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch()
        home = scratch()  # apart from the scratch: matplotlib, imported to close figures, writes its caches there
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "JUDGE_SCRATCH": cls.scratch, "HOME": home,
               "PYTHONHASHSEED": "0", "TZ": "UTC", "MPLBACKEND": "Agg"}
        if os.environ.get("MPLCONFIGDIR"):
            env["MPLCONFIGDIR"] = os.environ["MPLCONFIGDIR"]
        # matplotlib.pyplot, where installed, saves each judgment importing it to close figures.
        cls.proc = subprocess.Popen([sys.executable, "-P", "-s", "-B", LAUNCHER, "serve", "--preload", "json,unittest,matplotlib.pyplot,nope_missing"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=cls.scratch)
        cls.ready = json.loads(cls.proc.stdout.readline())
        cls.seq = 100

    @classmethod
    def tearDownClass(cls):
        cls.proc.stdin.close()
        cls.proc.wait(timeout=10)
        cls.proc.stdout.close()

    def ask(self, req):
        type(self).seq += 1
        self.proc.stdin.write((json.dumps(dict(req, id=self.seq)) + "\n").encode())
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        self.assertEqual(reply.pop("id"), self.seq)
        return reply

    def test_ready_message(self):
        self.assertTrue(self.ready["ready"])
        self.assertEqual(self.ready["preloaded"][:2], ["json", "unittest"])
        self.assertEqual(self.ready["missing"][-1], "nope_missing")
        self.assertEqual(self.ready["pid"], self.proc.pid)

    def test_unittest_pass_fail_and_leftovers(self):
        ok = self.ask({"kind": "unittest", "solution": "def task_func(x):\n    return x * x\n", "test": SQUARE_TEST, "timeout": 10})
        self.assertEqual((ok["status"], ok["details"], ok["tests"], ok["timedOut"], ok["clean"]), ("pass", {}, ["test_sq"], False, True))
        bad = self.ask({"kind": "unittest", "solution": "def task_func(x):\n    return 0\n", "test": SQUARE_TEST, "timeout": 10})
        self.assertEqual(bad["status"], "fail")
        self.assertIn("0 != 49", bad["details"]["test_sq"])
        self.assertEqual([n for n in os.listdir(self.scratch) if n.startswith("work-")], [])  # work directories are gone

    def test_exit_without_result_is_a_fail_with_the_exit_code(self):
        r = self.ask({"kind": "unittest", "solution": "import os\nos._exit(3)\n", "test": SQUARE_TEST, "timeout": 10})
        self.assertEqual(r["status"], "fail")
        self.assertEqual(r["exit"], {"signal": None, "code": 3})
        self.assertIn("exited with code 3", r["details"]["ALL"])

    def test_timeout(self):
        r = self.ask({"kind": "unittest", "solution": "def task_func(x):\n    while True:\n        pass\n", "test": SQUARE_TEST, "timeout": 0.5})
        self.assertEqual((r["status"], r["timedOut"]), ("timeout", True))
        self.assertEqual(r["details"], {"ALL": "Timed out after 0.5s"})

    def test_fresh_interpreter_mode_gives_the_same_outcome(self):
        r = self.ask({"kind": "unittest", "fresh": True, "solution": "def task_func(x):\n    return x * x\n", "test": SQUARE_TEST, "timeout": 120})
        self.assertEqual(r["status"], "pass", r["details"])

    def test_checks_one_child_each(self):
        r = self.ask({"kind": "checks", "items": [
            {"code": "assert 1 + 1 == 2", "timeout": 3},
            {"code": "assert 1 == 2", "timeout": 3},
            {"code": "__result__ = {'a': [1]}", "timeout": 3},
            {"code": "import os\nos._exit(0)", "timeout": 3},
            {"code": "while True: pass", "timeout": 0.3},
        ]})
        self.assertTrue(r["clean"])
        res = r["results"]
        self.assertEqual([x["ok"] for x in res], [True, False, True, False, False])
        self.assertEqual(res[2]["value"], {"a": [1]})
        self.assertIn("no result", res[3]["error"])
        self.assertEqual((res[4]["timedOut"], res[4]["error"]), (True, "timeout"))

    def test_syntax(self):
        self.assertTrue(self.ask({"kind": "syntax", "code": "x = 1\n"})["ok"])
        bad = self.ask({"kind": "syntax", "code": "def f(:\n    pass\n"})
        self.assertFalse(bad["ok"])
        self.assertIn("SyntaxError", bad["error"])

    def test_ping_and_unknown_kind(self):
        self.assertEqual(self.ask({"kind": "ping"}), {"pong": True})
        self.assertEqual(self.ask({"kind": "launch"}), {"error": "unknown request kind 'launch'"})

    def test_unreadable_line_is_answered_without_id_and_the_server_goes_on(self):
        self.proc.stdin.write(b"{oops\n")
        self.proc.stdin.flush()
        bad = json.loads(self.proc.stdout.readline())
        self.assertNotIn("id", bad)
        self.assertIn("bad request", bad["error"])
        self.assertEqual(self.ask({"kind": "ping"}), {"pong": True})
