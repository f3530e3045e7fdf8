#!/usr/bin/env python3
"""Writes data/sample-tasks.jsonl: small tasks of our own in BigCodeBench's format, for the quick start."""
import json, os, textwrap

TASKS = [
 dict(name="word_counts", libs=["re", "collections"], header="import re\nfrom collections import Counter\n",
  sig="def task_func(text):",
  doc="Count how often each word occurs in a text, ignoring case and punctuation. Words are runs of letters, digits or apostrophes.",
  out="dict: word (lower case) -> number of occurrences.",
  body="""
    words = re.findall(r"[a-z0-9']+", text.lower())
    counts = Counter(words)
    return dict(counts)
""",
  tests="""
    def test_simple(self):
        self.assertEqual(task_func("a b a"), {"a": 2, "b": 1})
    def test_case_and_punctuation(self):
        self.assertEqual(task_func("Hello, hello! HELLO?"), {"hello": 3})
    def test_empty(self):
        self.assertEqual(task_func(""), {})
    def test_apostrophe(self):
        self.assertEqual(task_func("don't stop, don't"), {"don't": 2, "stop": 1})
"""),
 dict(name="moving_average", libs=[], header="",
  sig="def task_func(values, window):",
  doc="Compute the simple moving average of a list of numbers over a sliding window. Raise ValueError if window is not between 1 and len(values).",
  out="list of float: the averages, one per full window, in order.",
  body="""
    if window < 1 or window > len(values):
        raise ValueError("bad window")
    out = []
    total = sum(values[:window])
    out.append(total / window)
    for i in range(window, len(values)):
        total += values[i] - values[i - window]
        out.append(total / window)
    return out
""",
  tests="""
    def test_basic(self):
        self.assertEqual(task_func([1, 2, 3, 4], 2), [1.5, 2.5, 3.5])
    def test_window_one(self):
        self.assertEqual(task_func([5, 7], 1), [5.0, 7.0])
    def test_full_window(self):
        self.assertEqual(task_func([2, 4, 6], 3), [4.0])
    def test_bad_window(self):
        with self.assertRaises(ValueError):
            task_func([1, 2], 3)
    def test_zero_window(self):
        with self.assertRaises(ValueError):
            task_func([1, 2], 0)
"""),
 dict(name="normalize_columns", libs=["pandas"], header="import pandas as pd\n",
  sig="def task_func(df):",
  doc="Min-max scale every numeric column of a DataFrame to [0, 1]; a constant column becomes all zeros; non-numeric columns are kept unchanged.",
  out="pandas.DataFrame: the scaled copy (the input is not modified).",
  body="""
    result = df.copy()
    for col in result.select_dtypes(include="number").columns:
        lo = result[col].min()
        hi = result[col].max()
        if hi == lo:
            result[col] = 0.0
        else:
            result[col] = (result[col] - lo) / (hi - lo)
    return result
""",
  tests="""
    def test_scales(self):
        df = pd.DataFrame({"a": [0, 5, 10]})
        self.assertEqual(task_func(df)["a"].tolist(), [0.0, 0.5, 1.0])
    def test_constant(self):
        df = pd.DataFrame({"a": [3, 3]})
        self.assertEqual(task_func(df)["a"].tolist(), [0.0, 0.0])
    def test_keeps_text(self):
        df = pd.DataFrame({"a": [1, 2], "s": ["x", "y"]})
        self.assertEqual(task_func(df)["s"].tolist(), ["x", "y"])
    def test_no_mutation(self):
        df = pd.DataFrame({"a": [1, 3]})
        task_func(df)
        self.assertEqual(df["a"].tolist(), [1, 3])
"""),
 dict(name="log_levels", libs=["collections"], header="from collections import Counter\n",
  sig="def task_func(lines):",
  doc="Given log lines of the form '<LEVEL>: message', count the lines per level (levels are upper-cased). Lines without a colon are counted under 'UNKNOWN'.",
  out="dict: level -> count.",
  body="""
    counts = Counter()
    for line in lines:
        if ":" not in line:
            counts["UNKNOWN"] += 1
            continue
        level = line.split(":", 1)[0].strip().upper()
        counts[level] += 1
    return dict(counts)
""",
  tests="""
    def test_levels(self):
        self.assertEqual(task_func(["INFO: a", "error: b", "INFO: c"]), {"INFO": 2, "ERROR": 1})
    def test_unknown(self):
        self.assertEqual(task_func(["no colon here"]), {"UNKNOWN": 1})
    def test_empty(self):
        self.assertEqual(task_func([]), {})
    def test_message_with_colons(self):
        self.assertEqual(task_func(["WARN: a: b: c"]), {"WARN": 1})
"""),
 dict(name="run_length", libs=[], header="",
  sig="def task_func(s):",
  doc="Run-length encode a string.",
  out="list of tuple: (character, run length) pairs in order.",
  body="""
    if not s:
        return []
    out = []
    current = s[0]
    count = 1
    for ch in s[1:]:
        if ch == current:
            count += 1
        else:
            out.append((current, count))
            current = ch
            count = 1
    out.append((current, count))
    return out
""",
  tests="""
    def test_runs(self):
        self.assertEqual(task_func("aaabcc"), [("a", 3), ("b", 1), ("c", 2)])
    def test_single(self):
        self.assertEqual(task_func("z"), [("z", 1)])
    def test_empty(self):
        self.assertEqual(task_func(""), [])
    def test_alternating(self):
        self.assertEqual(task_func("abab"), [("a", 1), ("b", 1), ("a", 1), ("b", 1)])
"""),
 dict(name="merge_intervals", libs=[], header="",
  sig="def task_func(intervals):",
  doc="Merge overlapping or touching closed intervals given as [start, end] pairs.",
  out="list of list: merged intervals sorted by start.",
  body="""
    ordered = sorted(intervals, key=lambda iv: iv[0])
    merged = []
    for start, end in ordered:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
""",
  tests="""
    def test_overlap(self):
        self.assertEqual(task_func([[1, 3], [2, 6], [8, 10]]), [[1, 6], [8, 10]])
    def test_touching(self):
        self.assertEqual(task_func([[1, 2], [2, 4]]), [[1, 4]])
    def test_unsorted(self):
        self.assertEqual(task_func([[5, 6], [1, 2]]), [[1, 2], [5, 6]])
    def test_nested(self):
        self.assertEqual(task_func([[1, 10], [2, 3]]), [[1, 10]])
"""),
 dict(name="ipv4", libs=[], header="",
  sig="def task_func(address):",
  doc="Check whether a string is a valid dotted-quad IPv4 address: four decimal parts 0-255, no leading zeros except for 0 itself.",
  out="bool: True when valid.",
  body="""
    parts = address.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not part.isdigit():
            return False
        if len(part) > 1 and part[0] == "0":
            return False
        if int(part) > 255:
            return False
    return True
""",
  tests="""
    def test_valid(self):
        self.assertTrue(task_func("192.168.0.1"))
    def test_too_big(self):
        self.assertFalse(task_func("256.1.1.1"))
    def test_leading_zero(self):
        self.assertFalse(task_func("01.2.3.4"))
    def test_parts(self):
        self.assertFalse(task_func("1.2.3"))
    def test_letters(self):
        self.assertFalse(task_func("a.b.c.d"))
"""),
 dict(name="column_stats", libs=["numpy"], header="import numpy as np\n",
  sig="def task_func(matrix):",
  doc="For a 2-D list of numbers, compute per-column mean and population standard deviation, rounded to 3 decimals.",
  out="dict: {'mean': list of float, 'std': list of float}.",
  body="""
    arr = np.asarray(matrix, dtype=float)
    if arr.ndim != 2:
        raise ValueError("matrix must be 2-D")
    means = np.round(arr.mean(axis=0), 3)
    stds = np.round(arr.std(axis=0), 3)
    return {"mean": means.tolist(), "std": stds.tolist()}
""",
  tests="""
    def test_basic(self):
        self.assertEqual(task_func([[1, 2], [3, 4]]), {"mean": [2.0, 3.0], "std": [1.0, 1.0]})
    def test_single_row(self):
        self.assertEqual(task_func([[5, 6, 7]]), {"mean": [5.0, 6.0, 7.0], "std": [0.0, 0.0, 0.0]})
    def test_bad_shape(self):
        with self.assertRaises(ValueError):
            task_func([1, 2, 3])
    def test_rounding(self):
        self.assertEqual(task_func([[0], [1], [1]])["mean"], [0.667])
"""),
]

def build(i, t):
    header = t["header"]
    code_prompt = header + t["sig"] + "\n"
    doc = "    \"\"\"\n" + textwrap.indent(textwrap.fill(t["doc"], 88), "    ") + "\n\n    Returns:\n        " + t["out"] + "\n    \"\"\"\n"
    complete = header + "\n" + t["sig"] + "\n" + doc
    instruct = (t["doc"] + "\nThe function should output with:\n    " + t["out"] +
                "\nYou should write self-contained code starting with:\n```\n" + code_prompt + "```")
    imports = header if header else ""
    test = imports + "import unittest\n\nclass TestCases(unittest.TestCase):" + textwrap.dedent("\n" + t["tests"]).replace("\ndef ", "\n    def ").replace("\n    ", "\n        ").replace("\n        def ", "\n    def ")
    return {"task_id": "Sample/%d" % i, "complete_prompt": complete, "instruct_prompt": instruct,
            "canonical_solution": t["body"].lstrip("\n"), "code_prompt": code_prompt, "test": test,
            "entry_point": "task_func", "doc_struct": "{}", "libs": str(t["libs"])}

out = os.path.join(os.path.dirname(__file__), "..", "data", "sample-tasks.jsonl")
with open(out, "w") as f:
    for i, t in enumerate(TASKS):
        f.write(json.dumps(build(i, t)) + "\n")
print("wrote", len(TASKS), "tasks to", os.path.normpath(out))
