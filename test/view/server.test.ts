/** The view server over bad input, by HTTP: each bad directory listed for what it is, every page still served. */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/view.js';
import { startViewServer, type ViewServer } from '../../src/view/server.js';
import { cliRunner } from '../helpers/cli.js';
import { fakeLiveRun } from '../replay/helpers.js';
import { buildAllKinds } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'view-server-'));
let server: ViewServer;
let badTask = '';
type Row = { id: string; kind: string; status: string; statusText: string; warnings: string[] };
const runs = async (): Promise<Map<string, Row>> => new Map(((await (await fetch(server.url + 'api/runs')).json()) as { runs: Row[] }).runs.map((r) => [r.id, r]));

beforeAll(async () => {
  buildAllKinds(root);
  mkdirSync(join(root, 'bad', 'mystery'), { recursive: true });
  writeFileSync(join(root, 'bad', 'mystery', 'config.yaml'), 'version: 1\nkind: mystery\n');
  const mid = fakeLiveRun(join(root, 'bad', 'mid-line'), { setting: 'CF', model: 'offline:M', maxTurns: 1, solvedAt: [0, null] });
  rmSync(join(mid, 'summary.json'));
  writeFileSync(join(mid, 'episodes.jsonl'), '{"task_id": "x"\n' + '{}\n');
  const half = fakeLiveRun(join(root, 'bad', 'half-summary'), { setting: 'CF', model: 'offline:H', maxTurns: 1, solvedAt: [0] });
  writeFileSync(join(half, 'summary.json'), '{"version": 1, "mo');
  // A record whose code is not a string: its scores read, its turns refused when shown.
  const badCode = fakeLiveRun(join(root, 'bad', 'bad-code'), { setting: 'CF', model: 'offline:C', maxTurns: 1, solvedAt: [0, null] });
  const recs = readFileSync(join(badCode, 'episodes.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { task_id: string; turns: { code: unknown }[] });
  recs[1]!.turns[0]!.code = 5;
  writeFileSync(join(badCode, 'episodes.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  badTask = recs[1]!.task_id;
  server = await startViewServer({ dir: root, port: 0, pollMs: 100, resamples: 100 });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('view server', () => {
  const cli = cliRunner(main);
  it('lists every bad directory for what it is', async () => {
    const r = await runs();
    expect(r.get('bad/mystery')).toMatchObject({ kind: 'unknown', status: 'unreadable', statusText: expect.stringMatching(/kind.*mystery/s) });
    expect(r.get('bad/mid-line')).toMatchObject({ status: 'unreadable', statusText: expect.stringMatching(/episodes\.jsonl:1: malformed JSON/) });
    expect(r.get('bad/half-summary')).toMatchObject({ status: 'unreadable', statusText: expect.stringMatching(/summary/) });
    expect(r.get('world/live-A')).toMatchObject({ kind: 'world', status: 'finished' });
  });

  it('keeps serving every page, bad runs included', async () => {
    for (const p of ['', 'table', 'curves', 'pair?a=bad%2Fmystery&b=world%2Flive-A', 'run?id=bad%2Fmystery', 'run?id=bad%2Fmid-line', 'task?run=bad%2Fmystery&task=x', 'task?run=world%2Flive-A&task=nope']) {
      const res = await fetch(server.url + p);
      expect(res.status, p).toBe(200);
    }
    expect((await fetch(server.url + 'nope')).status).toBe(404);
    expect((await fetch(server.url + 'run?id=absent')).status).toBe(404);
  });

  it('shows a run with a bad record, and names the record (file:line) on its task page', async () => {
    const run = await (await fetch(server.url + 'run?id=bad%2Fbad-code')).text();
    expect(run).toContain(`data-task="${badTask}"`);
    const res = await fetch(server.url + `task?run=bad%2Fbad-code&task=${encodeURIComponent(badTask)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/class="warn bad-record">[^<]*episodes\.jsonl:2: field &quot;turns\.0\.code&quot; Expected string/);
  });

  it('notices a torn line being appended, then its repair, through the change events', async () => {
    const res = await fetch(server.url + 'events');
    const reader = res.body!.getReader();
    const next = async (): Promise<string> => new TextDecoder().decode((await reader.read()).value);
    expect(await next()).toContain('event: hello');
    const d = join(root, 'world', 'live-B');
    appendFileSync(join(d, 'episodes.jsonl'), '{"task_id": "Sample/9", "tu');
    rmSync(join(d, 'summary.json'));
    expect(await next()).toContain('event: change');
    expect((await runs()).get('world/live-B')!.warnings[0]).toMatch(/line 5 is torn \(an interrupted write\)/);
    await reader.cancel();
  });

  it('view --help shows the loopback default', async () => {
    expect(await cli.run('--help')).toBe(0);
    expect(cli.stdout()).toMatch(/--host <addr>.*\(default: "127\.0\.0\.1"\)/s);
    expect(await cli.run(root, '--port', '99999')).not.toBe(0);
    expect(cli.stderr()).toMatch(/--port must be an integer 0\.\.65535/);
    expect(cli.stderr()).not.toMatch(/\n\s+at /);
    expect(await cli.run(join(root, 'absent'))).not.toBe(0);
    expect(cli.stderr()).toMatch(/absent: no such directory/);
  });
});
