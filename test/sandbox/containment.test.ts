import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSandbox, listSandboxContainers } from '../../src/sandbox/docker.js';
import { dockerReady } from '../helpers/docker.js';

const ready = dockerReady();

/** A suite whose single test calls task_func(); the probe decides what it returns. */
const suite = (body = 'task_func()') => `
import unittest
class TestCases(unittest.TestCase):
    def test_probe(self):
        self.assertEqual(${body}, "contained")
`;

const square = {
  solution: 'def task_func(x):\n    return x * x\n',
  test: 'import unittest\nclass TestCases(unittest.TestCase):\n    def test_sq(self):\n        self.assertEqual(task_func(7), 49)\n',
};

describe.skipIf(!ready.ok)(`containment in Docker${ready.ok ? '' : ` (skipped: ${ready.why})`}`, () => {
  let sb: DockerSandbox;
  let listener: Server;
  let port = 0;
  let hostConnections = 0;
  const secret = 'sk-containment-test-secret';

  beforeAll(async () => {
    process.env.OPENAI_API_KEY = secret;
    listener = createServer((s) => { hostConnections++; s.destroy(); });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    port = (listener.address() as { port: number }).port;
    sb = new DockerSandbox({ parallel: 1, memoryMb: 1024, tmpfsMb: 256, pidsLimit: 128 });
    await sb.start();
  });

  afterAll(async () => {
    await sb?.close();
    listener?.close();
    delete process.env.OPENAI_API_KEY;
    expect(await listSandboxContainers(process.pid)).toEqual([]);
  });

  /** Runs a probe, checks it finished within limit + margin, then that a normal task still judges. */
  async function probe(solution: string, timeoutS = 5, test = suite()) {
    const t0 = Date.now();
    const r = await sb.runUnittest({ solution, test, timeoutS });
    const wallS = (Date.now() - t0) / 1000;
    expect(wallS).toBeLessThan(timeoutS + 15);
    const after = await sb.runUnittest({ ...square, timeoutS: 10 });
    expect(after.status).toBe('pass');
    return r;
  }

  it('has no network: only loopback, no route, host listener unreachable', async () => {
    const r = await probe(`
import os, socket
def task_func():
    assert sorted(os.listdir('/sys/class/net')) == ['lo'], os.listdir('/sys/class/net')
    routes = open('/proc/net/route').read().strip().splitlines()
    assert len(routes) <= 1, routes
    try:
        socket.create_connection(('127.0.0.1', ${port}), timeout=2).close()
        return 'reached host listener'
    except OSError:
        pass
    return 'contained'
`);
    expect(r.status, JSON.stringify(r.details)).toBe('pass');
    expect(hostConnections).toBe(0);
  });

  it('cannot see the host environment', async () => {
    const r = await probe(`
import os
def task_func():
    if '${secret}' in repr(dict(os.environ)):
        return 'leaked'
    for pid in os.listdir('/proc'):
        if pid.isdigit():
            try:
                if b'${secret}' in open('/proc/%s/environ' % pid, 'rb').read():
                    return 'leaked via /proc'
            except OSError:
                pass
    return 'contained'
`);
    expect(r.status, JSON.stringify(r.details)).toBe('pass');
  });

  it('cannot write outside its scratch directory', async () => {
    const r = await probe(`
def task_func():
    for path in ['/etc/pwned', '/judge/pwned', '/usr/lib/pwned', '/home/judge/pwned', '/pwned']:
        try:
            open(path, 'w').write('x')
            return 'wrote ' + path
        except OSError:
            pass
    open('inside.txt', 'w').write('fine')
    return 'contained'
`);
    expect(r.status, JSON.stringify(r.details)).toBe('pass');
  });

  it('records an infinite loop as timeout', async () => {
    const r = await probe('def task_func():\n    while True:\n        pass\n', 3);
    expect(r.status).toBe('timeout');
    expect(r.timedOut).toBe(true);
  });

  it('survives a fork bomb', async () => {
    const r = await probe(`
import os
def task_func():
    while True:
        try:
            os.fork()
        except OSError:
            pass
`, 5);
    expect(['fail', 'timeout']).toContain(r.status);
  });

  it('stops unbounded allocation at the memory limit', async () => {
    const r = await probe(`
def task_func():
    hog = []
    while True:
        hog.append(bytearray(50 * 1024 * 1024))
`, 20);
    expect(r.status).toBe('fail');
    expect(r.oom || /memory|MemoryError|signal 9/i.test(JSON.stringify(r.details))).toBe(true);
  });

  it('fills the disk without harm, and the scratch is wiped afterwards', async () => {
    const r = await probe(`
import os
def task_func():
    with open('/tmp/filler', 'wb') as f:
        while True:
            f.write(b'x' * (1 << 20))
`, 20);
    expect(r.status).toBe('fail');
    const check = await probe(`
import os
def task_func():
    return 'contained' if not os.path.exists('/tmp/filler') else 'left over'
`);
    expect(check.status, JSON.stringify(check.details)).toBe('pass');
  });

  it('swallows a gigabyte of output and caps huge tracebacks', async () => {
    const r = await probe(`
import sys, os
def task_func():
    chunk = 'x' * (1 << 20)
    for _ in range(1024):
        sys.stdout.write(chunk)
    os.write(1, b'y' * (1 << 20))
    raise ValueError('z' * (50 * 1024 * 1024))
`, 60);
    expect(r.status).toBe('fail');
    expect(JSON.stringify(r.details).length).toBeLessThan(200 * 1024);
  });

  it('cannot kill the judge', async () => {
    const r = await probe(`
import os, signal
def task_func():
    for pid in [1, os.getppid()]:
        for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGSTOP):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    return 'contained'
`);
    // Whatever the probe's own fate (kill(-1) may take it down too), the judge answered and lives on.
    expect(['pass', 'fail']).toContain(r.status);
  });

  it('keeps no change to the matplotlib config for the next judgment, even with its times set back', async () => {
    const untouched = `
import os
def task_func():
    d = os.environ['MPLCONFIGDIR']
    bad = [n for n in os.listdir(d) if n == 'matplotlibrc' or (os.path.isfile(os.path.join(d, n)) and open(os.path.join(d, n), 'rb').read(1) == b'#')]
    return 'contained' if not bad else 'tampered: %s' % bad
`;
    // Edited in place, size and mtime restored: only the ctime (which the code cannot set) differs.
    const edited = await probe(`
import os
def task_func():
    d = os.environ['MPLCONFIGDIR']
    names = sorted(n for n in os.listdir(d) if os.path.isfile(os.path.join(d, n)))
    for n in names:
        p = os.path.join(d, n)
        st = os.stat(p)
        with open(p, 'r+b') as f:
            f.write(b'#')
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    return 'contained' if names else 'no file to tamper with'
`);
    expect(edited.status, JSON.stringify(edited.details)).toBe('pass');
    const r1 = await probe(untouched);
    expect(r1.status, JSON.stringify(r1.details)).toBe('pass');
    const added = await probe(`
import os
def task_func():
    d = os.environ['MPLCONFIGDIR']
    st = os.stat(d)
    with open(os.path.join(d, 'matplotlibrc'), 'w') as f:
        f.write('backend: tampered\\n')
    os.utime(d, ns=(st.st_atime_ns, st.st_mtime_ns))
    return 'contained'
`);
    expect(added.status, JSON.stringify(added.details)).toBe('pass');
    const r2 = await probe(untouched);
    expect(r2.status, JSON.stringify(r2.details)).toBe('pass');
  });

  it('leaves no process behind for the next judgment', async () => {
    await probe(`
import subprocess
def task_func():
    subprocess.Popen(['sleep', '1000'], start_new_session=True)
    return 'contained'
`);
    const r = await probe(`
import os
def task_func():
    others = [p for p in os.listdir('/proc') if p.isdigit() and int(p) not in (1, os.getpid())]
    return 'contained' if not others else 'leftover processes %s' % others
`);
    expect(r.status, JSON.stringify(r.details)).toBe('pass');
  });
});
