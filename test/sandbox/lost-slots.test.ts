import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecCache } from '../../src/episode/exec-cache.js';
import { JudgeConnection } from '../../src/sandbox/connection.js';
import { JudgeSandbox, SANDBOX_ATTEMPTS } from '../../src/sandbox/judge-sandbox.js';
import { SlotPool, type Slot } from '../../src/sandbox/pool.js';
import { mapLimit } from '../../src/util/concurrency.js';
import { InfraError } from '../../src/util/errors.js';

// Issue 16, defect 1 without Docker: judges that die under a judgment, as a killed container does.

/** Judge servers in memory; the first `dieFirst` of them die (close their output) when asked anything. */
class FakeSandbox extends JudgeSandbox {
  readonly kind = 'local' as const;
  protected pool: SlotPool;
  created = 0;
  readonly slots: { out: PassThrough }[] = [];
  constructor(private readonly dieFirst: number, private readonly oom = false) {
    super();
    this.pool = new SlotPool(1, async () => this.slot());
  }

  environmentId(): string {
    return 'fake';
  }

  private slot(): Slot {
    const n = ++this.created;
    const toJudge = new PassThrough();
    const out = new PassThrough();
    this.slots.push({ out });
    const conn = new JudgeConnection(toJudge, out, `fake judge ${n}`);
    out.write(JSON.stringify({ ready: true, python: '3', pid: n, preloaded: [], missing: [], preloadMs: 0 }) + '\n');
    toJudge.on('data', (d: Buffer) => {
      const req = JSON.parse(d.toString()) as { id: number };
      if (n <= this.dieFirst) out.end();
      else out.write(JSON.stringify({ id: req.id, status: 'pass', details: {}, tests: ['test_a'], compatOrder: [], clean: true }) + '\n');
    });
    return { conn, destroy: async () => { out.end(); }, oomKilled: async () => this.oom };
  }
}

const JOB = { solution: 'def f():\n    return 1\n', test: 'class TestCases: pass\n', timeoutS: 5 };
const dir = mkdtempSync(join(tmpdir(), 'lost-slots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a judge lost under a judgment', () => {
  it('is retried on a fresh slot: the verdict is the code\'s, not "the sandbox died"', async () => {
    const sb = new FakeSandbox(1);
    const r = await sb.runUnittest(JOB);
    expect(r.status).toBe('pass');
    expect(sb.created).toBeGreaterThanOrEqual(2);
    expect(sb.replacements['sandbox lost (retried)']).toBe(1);
    await sb.close();
  });

  it('a judge that died while idle is replaced before it is handed out', async () => {
    const sb = new FakeSandbox(0);
    await sb.start();
    sb.slots[0]!.out.end(); // killed while idle
    await new Promise((r) => setImmediate(r));
    expect((await sb.runUnittest(JOB)).status).toBe('pass');
    expect(sb.replacements['sandbox lost (retried)']).toBeUndefined();
    await sb.close();
  });

  it(`keeps failing: after ${SANDBOX_ATTEMPTS} tries the run stops with SANDBOX_LOST, and nothing is cached`, async () => {
    const sb = new FakeSandbox(Infinity);
    const cacheDir = join(dir, 'exec');
    const cache = new ExecCache(sb, cacheDir);
    const err = await cache.unittest(JOB.solution, JOB.test, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as InfraError).code).toBe('SANDBOX_LOST');
    expect((err as Error).message).toMatch(/rerun the same command: it resumes/);
    expect(sb.created).toBe(SANDBOX_ATTEMPTS + 1); // the last replacement is ready for a rerun
    const stored = existsSync(cacheDir) ? readdirSync(cacheDir).map((f) => readFileSync(join(cacheDir, f), 'utf8')).join('') : '';
    expect(stored).toBe('');
    await sb.close();
    const healthy = new FakeSandbox(0);
    const again = new ExecCache(healthy, cacheDir);
    expect((await again.unittest(JOB.solution, JOB.test, 5)).status).toBe('pass');
    expect(again.stats.judged).toBe(1);
    await healthy.close();
  });

  it('a judge killed for memory is the code\'s outcome (fail, oom), not retried', async () => {
    const sb = new FakeSandbox(Infinity, true);
    const r = await sb.runUnittest(JOB);
    expect(r).toMatchObject({ status: 'fail', oom: true });
    expect(sb.replacements['sandbox lost (retried)']).toBeUndefined();
    await sb.close();
  });

  it('a cached verdict written when a lost sandbox counted as a fail is judged again', async () => {
    const cacheDir = join(dir, 'legacy');
    const sb = new FakeSandbox(0);
    const first = new ExecCache(sb, cacheDir);
    await first.unittest('x = 1\n', JOB.test, 5);
    const file = readdirSync(cacheDir)[0]!;
    const entry = JSON.parse(readFileSync(join(cacheDir, file), 'utf8').trim()) as { key: string; exec: Record<string, unknown> };
    entry.exec = { ...entry.exec, status: 'fail', details: { ALL: 'The sandbox died while judging: container abc: judge server closed its output' }, oom: false };
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(cacheDir, file), JSON.stringify(entry) + '\n');
    const again = new ExecCache(sb, cacheDir);
    expect((await again.unittest('x = 1\n', JOB.test, 5)).status).toBe('pass');
    expect(again.stats.judged).toBe(1);
    await sb.close();
  });
});

describe('mapLimit after a failure', () => {
  it('starts no new item once one has failed, and waits for those in flight', async () => {
    const started: number[] = [];
    let finished = 0;
    const err = await mapLimit([0, 1, 2, 3, 4, 5, 6, 7], 2, async (i) => {
      started.push(i);
      await new Promise((r) => setTimeout(r, i === 0 ? 5 : 30));
      if (i === 0) throw new Error('sandbox lost');
      finished++;
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('sandbox lost');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });
});
