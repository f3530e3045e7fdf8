"""How repo_judge.py runs a test process it does not trust: the verdict through a report pipe, the
output read with a cap, and whatever the process leaves behind killed."""
import json
import os
import re
import select
import signal
import time

# Bytes kept of each of stdout and stderr: read as it comes, so a flood never fills the container's memory.
OUTPUT_LIMIT = 400_000
# After the test process exits, how long output from processes it left behind is still read.
LINGER_S = 2.0
# Summary lines only the runner's own report may write: the candidate's copies are dropped.
SUMMARY_LINE = re.compile(r'^(Ran \d+ tests? in .*|OK\b.*|FAILED\b.*)$', re.M)

# Runs tests/runtests.py with unittest's TextTestRunner.run wrapped: the counts of the result object
# go to the report pipe (fd REPORT_FD) with the nonce read from it, never through stdout/stderr.
RUNNER = r"""
import os, sys, json, runpy, unittest
fd = int(os.environ.pop('REPO_REPORT_FD'))
nonce = os.environ.pop('REPO_REPORT_NONCE')
orig = unittest.TextTestRunner.run
def run(self, test):
    result = orig(self, test)
    msg = json.dumps({'nonce': nonce, 'ran': result.testsRun, 'failures': len(result.failures),
                      'errors': len(result.errors), 'unexpected': len(getattr(result, 'unexpectedSuccesses', ())),
                      'skipped': len(result.skipped)})
    os.write(fd, (msg + '\n').encode())
    return result
unittest.TextTestRunner.run = run
sys.argv = ['runtests.py'] + sys.argv[1:]
sys.path[:0] = [os.path.join(os.getcwd(), 'tests')]
runpy.run_path('tests/runtests.py', run_name='__main__')
"""


def kill_others(marker):
    """Kills what the test run left: in the container (this judge is pid 1) every other process, so
    nothing the candidate forked or detached (setsid) holds the pipes or writes after the result;
    elsewhere (tests on a host) only the processes that carry this run's environment marker."""
    me = os.getpid()
    for name in os.listdir('/proc'):
        if not name.isdigit() or int(name) == me:
            continue
        if me != 1:
            try:
                with open('/proc/%s/environ' % name, 'rb') as fh:
                    if marker.encode() not in fh.read():
                        continue
            except OSError:
                continue
        try:
            os.kill(int(name), signal.SIGKILL)
        except OSError:
            pass


def read_bounded(proc, streams, deadline):
    """Reads the streams until the process exits (then LINGER_S more) or the deadline; keeps the
    last OUTPUT_LIMIT bytes of each. True when the deadline came first."""
    kept = {s: bytearray() for s in streams}
    open_ = list(streams)
    exited_at = None
    while open_:
        now = time.monotonic()
        if proc.poll() is not None and exited_at is None:
            exited_at = now
        if exited_at is not None and now - exited_at > LINGER_S:
            break
        if exited_at is None and now >= deadline:
            return kept, True
        wait = min(0.2, max(0.0, deadline - now))
        ready, _, _ = select.select(open_, [], [], wait)
        for s in ready:
            chunk = os.read(s.fileno(), 65536)
            if not chunk:
                open_.remove(s)
                continue
            buf = kept[s]
            buf += chunk
            if len(buf) > 2 * OUTPUT_LIMIT:
                del buf[:len(buf) - OUTPUT_LIMIT]
    return kept, False


def trusted_output(out, err, report):
    """The output with every summary line the candidate could print removed, and the runner's
    own counts appended in unittest's words (what src/repo/parse.ts reads)."""
    text = SUMMARY_LINE.sub('', out[-OUTPUT_LIMIT:]) + '\n' + SUMMARY_LINE.sub('', err[-OUTPUT_LIMIT:])
    if report is None:
        return text + '\nNo test result was reported (the test process ended before its runner finished).\n'
    bad = report['failures'] + report['errors'] + report['unexpected']
    parts = []
    if report['failures']:
        parts.append('failures=%d' % report['failures'])
    if report['errors']:
        parts.append('errors=%d' % report['errors'])
    if report['skipped']:
        parts.append('skipped=%d' % report['skipped'])
    verdict = ('FAILED (%s)' % ', '.join(parts or ['unexpected successes=%d' % report['unexpected']])) if bad else 'OK'
    return text + '\nRan %d tests in 0.000s\n\n%s\n' % (report['ran'], verdict)


def read_report(rfd, nonce):
    data = b''
    while True:
        try:
            chunk = os.read(rfd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        if len(data) > 1_000_000:
            break
    report = None
    for line in data.decode('utf-8', 'replace').splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if isinstance(msg, dict) and msg.get('nonce') == nonce and all(isinstance(msg.get(k), int) for k in ('ran', 'failures', 'errors', 'unexpected', 'skipped')):
            report = msg  # the last run of the runner counts, as the last summary line did
    return report
