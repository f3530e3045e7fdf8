import os
import signal
import subprocess
import time
import unittest

from codeconv_judge import reset
from tests.helpers import scratch


class WipeTest(unittest.TestCase):
    def test_wipe_empties_even_read_only_trees_but_keeps_the_named_entry(self):
        root = scratch()
        os.makedirs(os.path.join(root, "a", "b"))
        with open(os.path.join(root, "a", "b", "f"), "w") as f:
            f.write("x")
        os.chmod(os.path.join(root, "a", "b"), 0o500)
        os.chmod(os.path.join(root, "a"), 0o500)
        os.symlink("/etc", os.path.join(root, "link"))
        os.mkdir(os.path.join(root, "keep"))
        self.assertTrue(reset.wipe(root, keep="keep"))
        self.assertEqual(os.listdir(root), ["keep"])

    def test_missing_directory_counts_as_clean(self):
        self.assertTrue(reset.wipe(os.path.join(scratch(), "absent")))


class TreeStateTest(unittest.TestCase):
    def test_any_write_changes_the_state(self):
        root = scratch()
        path = os.path.join(root, "f")
        with open(path, "w") as f:
            f.write("a")
        before = reset.tree_state(root)
        self.assertEqual(reset.tree_state(root), before)
        st = os.stat(path)
        with open(path, "w") as f:
            f.write("b")
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # mtime set back; ctime still moves
        self.assertNotEqual(reset.tree_state(root), before)


class MatplotlibSeedTest(unittest.TestCase):
    def setUp(self):
        self.saved = (reset.SCRATCH, reset.MPL_SEED, os.environ.get("MPLCONFIGDIR"), reset._mpl_state[0])
        self.seed = scratch()
        with open(os.path.join(self.seed, "fontlist.json"), "w") as f:
            f.write("{}")
        reset.SCRATCH = scratch()
        reset.MPL_SEED = self.seed
        os.environ["MPLCONFIGDIR"] = os.path.join(reset.SCRATCH, ".mpl")

    def tearDown(self):
        reset.SCRATCH, reset.MPL_SEED, mpl, reset._mpl_state[0] = self.saved
        if mpl is None:
            os.environ.pop("MPLCONFIGDIR", None)
        else:
            os.environ["MPLCONFIGDIR"] = mpl

    def test_untouched_copy_is_kept_and_a_touched_one_replaced(self):
        reset.prepare_scratch()
        mpl = os.environ["MPLCONFIGDIR"]
        self.assertEqual(os.listdir(mpl), ["fontlist.json"])
        self.assertEqual(reset._intact_mpl(), ".mpl")
        ino = os.stat(mpl).st_ino
        os.mkdir(os.path.join(reset.SCRATCH, "work-1"))
        self.assertTrue(reset.wipe(reset.SCRATCH, keep=reset._intact_mpl()))
        self.assertEqual(os.stat(mpl).st_ino, ino)  # kept, not copied again
        with open(os.path.join(mpl, "fontlist.json"), "w") as f:
            f.write("tampered")
        self.assertIsNone(reset._intact_mpl())


class KillTest(unittest.TestCase):
    def test_kill_everything_takes_the_whole_process_group(self):
        # A child in its own session that started a grandchild, as judged code may.
        proc = subprocess.Popen(["sh", "-c", "sleep 30 & echo $!; wait"], stdout=subprocess.PIPE,
                                start_new_session=True)
        grandchild = int(proc.stdout.readline())
        self.assertTrue(reset.kill_everything(proc.pid))
        proc.stdout.close()
        proc.wait()  # already reaped by kill_everything; this only settles Popen's bookkeeping
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.kill(grandchild, 0)
            except ProcessLookupError:
                break
            try:
                os.waitpid(grandchild, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.01)
        else:
            os.kill(grandchild, signal.SIGKILL)
            self.fail("grandchild survived")
