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
import subprocess
import sys
import time

from bounded_run import RUNNER, kill_others, read_bounded, read_report, trusted_output

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
