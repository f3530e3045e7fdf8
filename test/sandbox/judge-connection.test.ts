import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JudgeConnection } from '../../src/sandbox/connection.js';

const READY = { ready: true, python: '3.11.2', pid: 1, preloaded: ['json'], missing: [], preloadMs: 3 };

/** A connection to a scripted judge: `sent` holds the requests, `say` writes a line back. */
function fake() {
  const toJudge = new PassThrough();
  const fromJudge = new PassThrough();
  const sent: Record<string, unknown>[] = [];
  toJudge.setEncoding('utf8');
  toJudge.on('data', (chunk: string) => { for (const l of chunk.split('\n').filter(Boolean)) sent.push(JSON.parse(l)); });
  const conn = new JudgeConnection(toJudge, fromJudge, 'fake judge');
  const say = (msg: unknown): void => { fromJudge.write(`${typeof msg === 'string' ? msg : JSON.stringify(msg)}\n`); };
  const tick = () => new Promise((r) => setImmediate(r));
  return { conn, sent, say, tick };
}

describe('judge connection (protocol schema, replies by id)', () => {
  it('takes the ready message, then matches replies to requests by id, in any order', async () => {
    const { conn, sent, say, tick } = fake();
    say(READY);
    expect((await conn.waitReady(1000)).python).toBe('3.11.2');
    const a = conn.request({ kind: 'syntax', code: 'x = 1' }, 5000);
    const b = conn.request({ kind: 'ping' }, 5000);
    await tick();
    expect(sent.map((s) => [s.kind, s.id])).toEqual([['syntax', 1], ['ping', 2]]);
    say({ id: 2, pong: true });
    say({ id: 1, ok: true, durationMs: 1, timedOut: false, oom: false, clean: true });
    expect(await b).toEqual({ pong: true });
    expect(await a).toMatchObject({ ok: true, clean: true });
    expect(conn.alive).toBe(true);
  });

  it('rejects a malformed reply with JUDGE_PROTOCOL and keeps serving the others', async () => {
    const { conn, say } = fake();
    say(READY);
    await conn.waitReady(1000);
    const bad = conn.request({ kind: 'unittest', solution: '', test: '', timeout: 1, fresh: false }, 5000);
    const good = conn.request({ kind: 'ping' }, 5000);
    say({ id: 1, status: 'pass', details: { test_a: 42 } });
    say({ id: 2, pong: true });
    await expect(bad).rejects.toMatchObject({ code: 'JUDGE_PROTOCOL', message: expect.stringContaining('details.test_a') });
    await expect(good).resolves.toEqual({ pong: true });
  });

  it('accepts an error reply in place of a result, and rejects a reply with neither', async () => {
    const { conn, say } = fake();
    say(READY);
    await conn.waitReady(1000);
    const err = conn.request({ kind: 'checks', items: [], fresh: false }, 5000);
    const empty = conn.request({ kind: 'checks', items: [], fresh: false }, 5000);
    say({ id: 1, error: 'judge server error: boom', clean: false });
    say({ id: 2, clean: true });
    await expect(err).resolves.toEqual({ error: 'judge server error: boom', clean: false });
    await expect(empty).rejects.toMatchObject({ code: 'JUDGE_PROTOCOL' });
  });

  it('reads a check without ok as a failure with its reason, and a forged item as a failure', async () => {
    const { conn, say } = fake();
    say(READY);
    await conn.waitReady(1000);
    const r = conn.request({ kind: 'checks', items: [], fresh: false }, 5000);
    say({ id: 1, clean: true, results: [
      { ok: true, timedOut: false, value: [1], durationMs: 2 },
      { status: 'fail', details: { ALL: 'judge error: disk full' }, timedOut: false, durationMs: 1 },
      { ok: 'yes', timedOut: false, durationMs: 1 },
    ] });
    expect((await r).results).toEqual([
      { ok: true, timedOut: false, value: [1], durationMs: 2 },
      { ok: false, timedOut: false, error: 'judge error: disk full', durationMs: 1 },
      { ok: false, timedOut: false, error: 'malformed check result', durationMs: 0 },
    ]);
  });

  it('fails the whole connection on an unreadable line, a reply without id, or an unknown id', async () => {
    for (const line of ['{oops', JSON.stringify({ error: 'bad request: Expecting value' }), JSON.stringify({ id: 99, pong: true })]) {
      const { conn, say } = fake();
      say(READY);
      await conn.waitReady(1000);
      const p = conn.request({ kind: 'ping' }, 5000);
      say(line);
      await expect(p).rejects.toMatchObject({ code: 'JUDGE_PROTOCOL' });
      expect(conn.alive).toBe(false);
    }
  });

  it('refuses a first message that is not a ready message', async () => {
    const { conn, say } = fake();
    const ready = conn.waitReady(1000);
    say({ ready: true, python: 3 });
    await expect(ready).rejects.toMatchObject({ code: 'JUDGE_PROTOCOL' });
  });
});
