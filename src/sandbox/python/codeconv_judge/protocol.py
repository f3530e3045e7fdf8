"""Wire formats: JSON lines between host and server, nonce-framed messages from child to server.

Host <-> server: one JSON object per line. The server first writes a ready line, then answers each
request line with one reply line carrying the request's "id" (the host matches replies by id).

Child -> server: nonce (hex bytes) + 4-byte big-endian length + JSON body, over a private pipe.
A message that does not start with the judgment's nonce is reported as forged.
"""

import json
import os
import select
import struct
import sys
import time

DETAIL_CAP = 64 * 1024
MSG_CAP = 16 * 1024 * 1024


def cap(text, limit=DETAIL_CAP):
    text = str(text)
    if len(text) > limit:
        return text[:limit] + "\n...[truncated]"
    return text


# ----------------------------------------------------------------------------- host <-> server

def ready_line(loaded, failed, preload_ms):
    return json.dumps({"ready": True, "python": sys.version.split()[0], "pid": os.getpid(),
                       "preloaded": loaded, "missing": failed, "preloadMs": preload_ms}) + "\n"


def parse_request(line):
    """Returns (request, None) or (None, error reply line) for a line the server cannot read."""
    try:
        req = json.loads(line)
    except ValueError as e:
        return None, json.dumps({"error": "bad request: %s" % e}) + "\n"
    if not isinstance(req, dict):
        return None, json.dumps({"error": "bad request: not a JSON object"}) + "\n"
    return req, None


def reply_line(res, req):
    res["id"] = req.get("id")
    return json.dumps(res, default=str) + "\n"


# ----------------------------------------------------------------------------- child -> server

def frame(nonce, payload):
    data = json.dumps(payload, default=str).encode("utf-8", "replace")
    if len(data) > MSG_CAP:
        data = json.dumps({"status": "fail", "details": {"ALL": "result too large"}}).encode()
    return nonce + struct.pack(">I", len(data)) + data


def send(wfd, nonce, payload):
    view = memoryview(frame(nonce, payload))
    while view:
        n = os.write(wfd, view)
        view = view[n:]


def read_message(rfd, nonce, pid, deadline):
    """Reads one framed message from the child. Returns (payload|None, exit_status|None, timed_out)."""
    buf = b""
    need = len(nonce) + 4
    exit_status = None
    while True:
        if exit_status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                exit_status = st
        now = time.monotonic()
        if now >= deadline:
            return None, exit_status, True
        wait = min(0.05, deadline - now) if exit_status is None else 0
        ready, _, _ = select.select([rfd], [], [], wait)
        if ready:
            chunk = os.read(rfd, 1 << 16)
            if not chunk:
                break
            buf += chunk
            if len(buf) > MSG_CAP + need:
                break
            if len(buf) >= need:
                if buf[:len(nonce)] != nonce:
                    return {"forged": True}, exit_status, False
                size = struct.unpack(">I", buf[len(nonce):need])[0]
                if len(buf) >= need + size:
                    try:
                        return json.loads(buf[need:need + size].decode("utf-8", "replace")), exit_status, False
                    except ValueError:
                        return {"forged": True}, exit_status, False
        elif exit_status is not None:
            break
    end = time.monotonic() + 0.2
    while exit_status is None and time.monotonic() < end:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            exit_status = st
            break
        time.sleep(0.002)
    return None, exit_status, False
