import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG_FILE, readYamlConfig, resolveWorldConfig } from '../../src/config/world.js';
import type { EpisodeRecord } from '../../src/episode/record.js';
import { OfflineUser } from '../../src/offline/user.js';
import { runBench } from '../../src/replay/bench.js';
import { freezeReference } from '../../src/replay/freeze.js';
import { staticScore } from '../../src/replay/scoring.js';
import type { StaticEpisodeRecord } from '../../src/replay/types.js';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import { runWorld, type RunWorldResult } from '../../src/world/run-world.js';
import { dockerReady } from '../helpers/docker.js';
import { referenceFromRunDir } from '../../src/replay/from-run.js';
import { SAMPLE, writePublishedJson, writePublishedParquet } from './helpers.js';

const ready = dockerReady();
const read = <T>(file: string): T[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as T);

describe.skipIf(!ready.ok)(`run-bench on a live run of the sample tasks${ready.ok ? '' : ` (skipped: ${ready.why})`}`, () => {
  const sb = new DockerSandbox({ parallel: 2 });
  let dir: string;
  let live: RunWorldResult;
  let liveEps: EpisodeRecord[];
  const cacheDir = (): string => join(dir, 'cache');
  const bench = (name: string, over: Record<string, unknown> = {}) =>
    runBench({ reference: live.runDir, model: 'offline:0.3', out: join(dir, name), cacheDir: cacheDir(), ...over }, { sandbox: sb });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-bench-'));
    await sb.start();
    const cfg = resolveWorldConfig([
      { file: DEFAULT_CONFIG_FILE, values: readYamlConfig(DEFAULT_CONFIG_FILE) },
      { file: 'test', values: { dataset: SAMPLE, model: 'offline:0.3', setting: 'CF_EF_FULL_SEF', maxTurns: 3, limit: 5, out: join(dir, 'live'), cacheDir: join(dir, 'cache') } },
    ]);
    live = await runWorld(cfg, { sandbox: sb });
    liveEps = read<EpisodeRecord>(join(live.runDir, 'episodes.jsonl'));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays without any simulator call and writes run-world\'s fields plus the static ones', async () => {
    const userCalls = vi.spyOn(OfflineUser.prototype, 'generate');
    const r = await bench('same');
    expect(userCalls).not.toHaveBeenCalled();
    userCalls.mockRestore();
    expect(r.runs).toHaveLength(1);
    const run = r.runs[0]!;
    expect(run.runDir).toBe(join(dir, 'same'));
    expect(run.stats.modelCalls.user).toBe(0);
    const s = JSON.parse(readFileSync(join(run.runDir, 'summary.json'), 'utf8'));
    for (const k of ['mrr', 'recall', 'pass_at_1_by_turn', 'n_tasks', 'n_errors', 'setting', 'model', 'usage', 'synthetic', 'max_turns', 'solved_at_histogram', 'leak', 'dataset']) expect(s).toHaveProperty(k);
    expect(s).toMatchObject({
      mode: 'static', reference_model: 'offline:0.3', setting: 'CF_EF_FULL_SEF', model: 'offline:0.3', user_model: null, n_tasks: 5, n_errors: 0, max_turns: 3,
      compensate_init: true, synthetic: true, dataset: 'sample-tasks.jsonl', reference_sha256: r.reference.sha256,
    });
    expect(s.usage.user).toEqual({ calls: 0, input_tokens: 0, output_tokens: 0 });
    expect(s.pass_at_1_by_turn).toHaveLength(4);
    // Same environment: the recomputed compilation/execution feedback equals the logged text.
    expect(s.feedback_drift.differing_turns).toBe(0);
    expect(s.feedback_drift.label_differing_turns).toBe(0);
    expect(s.feedback_drift.compared_turns).toBeGreaterThan(0);

    const eps = read<StaticEpisodeRecord>(join(run.runDir, 'episodes.jsonl'));
    expect(eps).toHaveLength(5);
    const liveById = new Map(liveEps.map((e) => [e.task_id, e]));
    let replayedTurns = 0;
    for (const e of eps) {
      const l = liveById.get(e.task_id)!;
      expect(e.mode).toBe('static');
      expect(e.turns).toHaveLength(4);
      expect(e.reference_pass).toEqual(l.turns.slice(0, 3).map((t) => t.status === 'pass'));
      for (const t of e.turns.slice(1)) {
        // Turn i refined the reference's code of turn i-1 ...
        expect(t.input!.code).toBe(l.turns[t.turn - 1]!.code);
        if (t.copied) { expect(l.turns[t.turn - 1]!.status).toBe('pass'); continue; }
        // ... with the reference's user feedback of turn i, replayed.
        expect(t.feedback!.user).toBe(l.turns[t.turn]!.feedback!.user);
        expect(t.feedback!.replayed).toBe(true);
        expect(t.usage?.user).toBeUndefined();
        replayedTurns++;
      }
    }
    expect(replayedTurns).toBeGreaterThan(0);
    // The reference model replayed on its own log makes the same moves: static equals live.
    expect(s.mrr).toBeCloseTo(live.summary.mrr, 12);
    expect(s.recall).toBeCloseTo(live.summary.recall, 12);
  });

  it('offline targets of several strengths run as targets; scores follow the static rule; compensate_init off', async () => {
    const strong = await bench('strong', { model: 'offline:0.9' });
    const weak = await bench('weak', { model: 'offline:0.1' });
    for (const r of [strong, weak]) {
      const s = r.runs[0]!.summary;
      expect(s.usage.user.calls).toBe(0);
      expect(s.usage.coder.calls).toBeGreaterThan(0);
      const eps = read<StaticEpisodeRecord>(join(r.runs[0]!.runDir, 'episodes.jsonl'));
      const rr = eps.map((e) => staticScore(e.reference_pass, e.turns.map((t) => t.status === 'pass'), 3).rr);
      expect(s.mrr).toBeCloseTo(rr.reduce((a, b) => a + b, 0) / rr.length, 12);
    }
    const off = await bench('weak-off', { model: 'offline:0.1', compensateInit: false });
    expect(off.runs[0]!.stats.modelCalls.coder).toBe(0); // same calls as 'weak': all from the response cache
    expect(off.runs[0]!.summary.compensate_init).toBe(false);
    expect(off.runs[0]!.summary.mrr).toBeLessThanOrEqual(weak.runs[0]!.summary.mrr);
  });

  it('a frozen file replays like the run directory, and a killed run resumes to the same summary', async () => {
    const file = join(dir, 'reference.json');
    await freezeReference({ run: live.runDir, out: file });
    const viaFile = await runBench({ reference: file, model: 'offline:0.3', out: join(dir, 'via-file'), cacheDir: cacheDir() }, { sandbox: sb });
    const viaDir = JSON.parse(readFileSync(join(dir, 'same', 'summary.json'), 'utf8'));
    const s = viaFile.runs[0]!.summary;
    expect([s.mrr, s.recall, s.pass_at_1_by_turn]).toEqual([viaDir.mrr, viaDir.recall, viaDir.pass_at_1_by_turn]);
    expect(viaFile.runs[0]!.stats.judged).toBe(0); // every judgment came from the execution cache

    // Resume: keep two episodes and half of the third.
    const cut = join(dir, 'cut');
    mkdirSync(cut, { recursive: true });
    copyFileSync(join(dir, 'via-file', 'config.yaml'), join(cut, 'config.yaml'));
    const lines = readFileSync(join(dir, 'via-file', 'episodes.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(cut, 'episodes.jsonl'), lines.slice(0, 2).join('\n') + '\n' + lines[2]!.slice(0, 50));
    const resumed = await runBench({ reference: file, model: 'offline:0.3', out: cut, cacheDir: cacheDir() }, { sandbox: sb });
    expect(resumed.runs[0]!.stats.resumed).toBe(2);
    expect(resumed.runs[0]!.summary).toEqual(viaFile.runs[0]!.summary);
    // Another target in the same directory is refused.
    await expect(runBench({ reference: file, model: 'offline:0.5', out: cut, cacheDir: cacheDir() }, { sandbox: sb })).rejects.toThrow(/different "model"/);
  });

  it('the same log in the published parquet layout and in the datasets JSON layout replays to the same static scores', async () => {
    const ref = referenceFromRunDir(live.runDir).reference;
    const pq = join(dir, 'published.parquet');
    const js = join(dir, 'published.json');
    writePublishedParquet(pq, ref);
    writePublishedJson(js, ref);
    const opts = { model: 'offline:0.5', dataset: SAMPLE, referenceModel: 'offline:0.3', cacheDir: cacheDir() };
    const a = (await runBench({ ...opts, reference: pq, out: join(dir, 'from-parquet') }, { sandbox: sb })).runs[0]!.summary;
    const b = (await runBench({ ...opts, reference: js, out: join(dir, 'from-json') }, { sandbox: sb })).runs[0]!.summary;
    expect(a.n_tasks).toBe(5);
    expect([b.mrr, b.recall, b.pass_at_1_by_turn, b.solved_at_histogram]).toEqual([a.mrr, a.recall, a.pass_at_1_by_turn, a.solved_at_histogram]);
  });
});
