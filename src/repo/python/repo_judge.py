"""Runs inside a fresh container of the Django image: one judgment, or the builder's tracing run.

judge:   stdin {replace?: {file, start, end, text}, labels, timeout_s, verbosity, checksum}
         writes the candidate over 1-based lines start..end of file, runs tests/runtests.py on the
         labels, prints one JSON line {output, returncode, timed_out, duration_ms, tree_sha256?}.
trace:   stdin {apps, timeout_s}; runs those test apps once with a call tracer and prints one JSON line
         {tests: {id: [status, seconds]}, calls: {"file:line": [test ids]}, output}.
"""
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.environ.get('REPO_ROOT', '/opt/django')


def tree_checksum():
    """Same digest as envs/django/setup.sh: sha256sum lines of every non-.pyc file, sorted by path."""
    paths = []
    for d, _dirs, files in os.walk(ROOT):
        for f in files:
            if not f.endswith('.pyc'):
                paths.append('./' + os.path.relpath(os.path.join(d, f), ROOT))
    paths.sort(key=lambda p: p.encode())
    out = hashlib.sha256()
    for p in paths:
        with open(os.path.join(ROOT, p), 'rb') as fh:
            out.update(('%s  %s\n' % (hashlib.sha256(fh.read()).hexdigest(), p)).encode())
    return out.hexdigest()


def write_candidate(rep):
    path = os.path.join(ROOT, rep['file'])
    with open(path, encoding='utf-8') as fh:
        lines = fh.read().split('\n')
    text = rep['text'].rstrip('\n').split('\n')
    lines[rep['start'] - 1:rep['end']] = text
    with open(path, 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(lines))
    return hashlib.sha256('\n'.join(lines).encode()).hexdigest()


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
    import select
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


def judge(job):
    res = {}
    if job.get('replace'):
        res['edited_sha256'] = write_candidate(job['replace'])
    args = [*job['labels'], '--verbosity', str(job.get('verbosity', 0)), '--noinput', '--parallel', '1']
    nonce = os.urandom(16).hex()
    rfd, wfd = os.pipe()
    os.set_blocking(rfd, False)
    marker = 'REPO_JUDGE_RUN=' + nonce
    env = dict(os.environ, PYTHONPATH=ROOT, REPO_REPORT_FD=str(wfd), REPO_REPORT_NONCE=nonce, REPO_JUDGE_RUN=nonce)
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, '-c', RUNNER, *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, pass_fds=(wfd,))
    os.close(wfd)
    kept, timed_out = read_bounded(proc, [proc.stdout, proc.stderr], t0 + job['timeout_s'])
    # Whatever is still running (the suite on a timeout, detached children always) is killed.
    kill_others(marker)
    proc.wait()
    duration = time.monotonic() - t0
    os.set_blocking(rfd, False)
    report = None if timed_out else read_report(rfd, nonce)
    os.close(rfd)
    out = kept[proc.stdout].decode('utf-8', 'replace')
    err = kept[proc.stderr].decode('utf-8', 'replace')
    res.update(output=trusted_output(out, err, report), returncode=proc.returncode, timed_out=timed_out,
               duration_ms=round(duration * 1000))
    if job.get('checksum'):
        res['tree_sha256'] = tree_checksum()
        with open('/opt/django-tree.sha256') as fh:
            res['pristine_sha256'] = fh.read().strip()
    return res


def passed(output):
    """Same verdict as the TypeScript parser: a 'Ran N tests' line (N > 0) followed by OK."""
    m = None
    for m in re.finditer(r'^Ran (\d+) tests? in .*$', output, re.M):
        pass
    if m is None or int(m.group(1)) == 0:
        return False
    rest = [l for l in output[m.end():].split('\n') if re.match(r'^(OK|FAILED)\b', l)]
    return bool(rest) and rest[0].startswith('OK')


def batch(job):
    """Several trusted judgments (the builder's reference, stub, mutants) in one container: the file
    is restored after each and the whole tree is compared with the pristine checksum at the end."""
    results = []
    for i, j in enumerate(job['jobs']):
        if i > 0 and job.get('stop_unless_first_passes') and not passed(results[0]['output']):
            break
        rep = j.get('replace')
        if rep:
            path = os.path.join(ROOT, rep['file'])
            with open(path, 'rb') as fh:
                original = fh.read()
        try:
            results.append(judge(j))
        finally:
            if rep:
                with open(path, 'wb') as fh:
                    fh.write(original)
    with open('/opt/django-tree.sha256') as fh:
        pristine = fh.read().strip()
    return {'results': results, 'tree_ok': tree_checksum() == pristine}


def trace(job):
    import threading
    import unittest.result as ur
    pkg = os.path.join(ROOT, 'django') + os.sep
    state = {'test': None, 't0': 0.0}
    tests = {}
    calls = {}

    from extract import documented_method_keys
    wanted = documented_method_keys()
    per_key = job.get('max_tests_per_method', 300)
    code_key = {}

    def tracer(frame, event, arg):
        # Call events only (returning None): no per-line cost; one dict lookup per code object seen.
        t = state['test']
        if t is not None:
            code = frame.f_code
            key = code_key.get(code, 0)
            if key == 0:
                fn = code.co_filename
                key = None
                if fn.startswith(pkg):
                    k = '%s:%d' % (fn[len(ROOT) + 1:], code.co_firstlineno)
                    key = k if k in wanted else None
                code_key[code] = key
            if key is not None:
                s = calls.get(key)
                if s is None:
                    calls[key] = s = set()
                if len(s) < per_key:
                    s.add(t)
        return None

    orig = {n: getattr(ur.TestResult, n) for n in ('startTest', 'stopTest', 'addError', 'addFailure',
                                                    'addSkip', 'addExpectedFailure', 'addUnexpectedSuccess')}

    def start(self, test):
        state['test'] = test.id()
        state['t0'] = time.monotonic()
        tests[test.id()] = ['ok', 0.0]
        return orig['startTest'](self, test)

    def stop(self, test):
        tid = test.id()
        if tid in tests:
            tests[tid][1] = round(time.monotonic() - state['t0'], 4)
        state['test'] = None
        return orig['stopTest'](self, test)

    def mark(status, name):
        def f(self, test, *a):
            if test.id() in tests:
                tests[test.id()][0] = status
            return orig[name](self, test, *a)
        return f

    ur.TestResult.startTest = start
    ur.TestResult.stopTest = stop
    ur.TestResult.addError = mark('error', 'addError')
    ur.TestResult.addFailure = mark('fail', 'addFailure')
    ur.TestResult.addSkip = mark('skip', 'addSkip')
    ur.TestResult.addExpectedFailure = mark('xfail', 'addExpectedFailure')
    ur.TestResult.addUnexpectedSuccess = mark('xpass', 'addUnexpectedSuccess')
    os.chdir(os.path.join(ROOT, 'tests'))
    sys.path[:0] = [os.path.join(ROOT, 'tests'), ROOT]
    sys.argv = ['runtests.py', *job['apps'], '--verbosity', '0', '--noinput', '--parallel', '1']
    import io
    import runpy
    err = io.StringIO()
    real_err = sys.stderr
    sys.stderr = err
    threading.settrace(tracer)
    sys.settrace(tracer)
    try:
        runpy.run_path('runtests.py', run_name='__main__')
    except SystemExit:
        pass
    finally:
        sys.settrace(None)
        threading.settrace(None)
        sys.stderr = real_err
    source = {}
    for key, name in (('orig_sha256', 'django-source.sha256'), ('version', 'django-source.version'), ('tree_sha256', 'django-tree.sha256')):
        with open('/opt/' + name) as fh:
            source[key] = fh.read().strip()
    return {'tests': tests, 'calls': {k: sorted(v) for k, v in calls.items()}, 'output': err.getvalue()[-20000:], 'source': source}


def main():
    mode = sys.argv[1]
    job = json.loads(sys.stdin.read())
    # The result marker carries a nonce from the host: a line the candidate printed cannot pass for it.
    nonce = job.pop('result_nonce', '')
    res = {'judge': judge, 'batch': batch, 'trace': trace}[mode](job)
    sys.stdout.write('\n@@RESULT%s@@' % (('-' + nonce) if nonce else '') + json.dumps(res) + '\n')
    sys.stdout.flush()


if __name__ == '__main__':
    main()
