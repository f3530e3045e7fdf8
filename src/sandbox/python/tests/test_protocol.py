import json
import os
import struct
import time
import unittest

from codeconv_judge import protocol


class CapTest(unittest.TestCase):
    def test_short_text_is_kept(self):
        self.assertEqual(protocol.cap("abc", 5), "abc")

    def test_long_text_is_cut_and_marked(self):
        self.assertEqual(protocol.cap("abcdef", 3), "abc\n...[truncated]")


class LineProtocolTest(unittest.TestCase):
    def test_ready_line_names_the_interpreter(self):
        msg = json.loads(protocol.ready_line(["json"], ["nope"], 12))
        self.assertEqual(msg["ready"], True)
        self.assertEqual(msg["preloaded"], ["json"])
        self.assertEqual(msg["missing"], ["nope"])
        self.assertEqual(msg["pid"], os.getpid())
        self.assertRegex(msg["python"], r"^3\.\d+\.\d+")

    def test_unreadable_and_non_object_requests_get_an_error_line_without_id(self):
        for line in (b"{not json", b"[1, 2]"):
            req, bad = protocol.parse_request(line)
            self.assertIsNone(req)
            self.assertIn("bad request", json.loads(bad)["error"])
            self.assertNotIn("id", json.loads(bad))

    def test_reply_carries_the_request_id(self):
        req, _ = protocol.parse_request(b'{"id": 7, "kind": "ping"}')
        self.assertEqual(json.loads(protocol.reply_line({"pong": True}, req)), {"pong": True, "id": 7})


class FrameTest(unittest.TestCase):
    def _roundtrip(self, nonce, raw, exit_code=0):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            os.write(wfd, raw)
            os._exit(exit_code)
        os.close(wfd)
        try:
            return protocol.read_message(rfd, nonce, pid, time.monotonic() + 5)
        finally:
            os.close(rfd)

    def test_framed_payload_is_read_back(self):
        nonce = b"ab" * 16
        payload, status, timed_out = self._roundtrip(nonce, protocol.frame(nonce, {"status": "pass"}))
        self.assertEqual(payload, {"status": "pass"})
        self.assertFalse(timed_out)

    def test_wrong_nonce_is_forged(self):
        payload, _, _ = self._roundtrip(b"ab" * 16, protocol.frame(b"cd" * 16, {"status": "pass"}))
        self.assertEqual(payload, {"forged": True})

    def test_garbage_body_is_forged(self):
        nonce = b"ab" * 16
        payload, _, _ = self._roundtrip(nonce, nonce + struct.pack(">I", 3) + b"{{{")
        self.assertEqual(payload, {"forged": True})

    def test_silent_exit_gives_no_payload_and_the_exit_status(self):
        payload, status, timed_out = self._roundtrip(b"ab" * 16, b"", exit_code=3)
        self.assertIsNone(payload)
        self.assertFalse(timed_out)
        self.assertTrue(os.WIFEXITED(status))
        self.assertEqual(os.WEXITSTATUS(status), 3)

    def test_oversized_result_is_replaced(self):
        old = protocol.MSG_CAP
        protocol.MSG_CAP = 100
        try:
            data = protocol.frame(b"n", {"details": "x" * 200})
        finally:
            protocol.MSG_CAP = old
        self.assertEqual(json.loads(data[5:]), {"status": "fail", "details": {"ALL": "result too large"}})

    def test_a_child_that_hangs_times_out(self):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        os.close(wfd)
        try:
            payload, status, timed_out = protocol.read_message(rfd, b"n" * 32, pid, time.monotonic() + 0.3)
        finally:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            os.close(rfd)
        self.assertIsNone(payload)
        self.assertTrue(timed_out)
