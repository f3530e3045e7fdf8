import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as compareCli } from '../../src/cli/compare-runs.js';
import { compareRunDirs, toMarkdown } from '../../src/compare/compare.js';
import { loadRun } from '../../src/compare/load.js';
import { buildFixtureRuns } from './fixtures.js';
import { fakeLiveRun } from '../replay/helpers.js';
import { toHtml } from '../../src/view/snapshot.js';

describe('compare-runs across protocols', () => {
  it('refuses paired tests across a clean run, a --max-turns 1 --timeout 30 run and a default run, and flags them in every output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compare-protocols-'));
    try {
      const setting = 'CF_EF_FULL_SEF';
      const solvedAt = [0, 1, null, 0];
      const clean = fakeLiveRun(join(dir, 'clean'), { setting, model: 'offline:A', maxTurns: 3, solvedAt, protocol: 'clean' });
      const short = fakeLiveRun(join(dir, 'short'), { setting, model: 'offline:A', maxTurns: 1, solvedAt: [0, 1, null, 0], timeoutS: 30 });
      const dflt = fakeLiveRun(join(dir, 'default'), { setting, model: 'offline:A', maxTurns: 3, solvedAt });
      const c = compareRunDirs([clean, short, dflt], { resamples: 100 });
      expect(c.paired).toEqual([]);
      const differ = Object.fromEntries(c.protocols.refused.map((r) => [`${/\[(\w+)\]$/.exec(r.a)![1]} vs ${/\[(\w+)\]$/.exec(r.b)![1]}`, r.differ]));
      expect(differ).toEqual({
        'clean vs short': ['protocol', 'turn0_prompt', 'timeout_s', 'max_turns'],
        'clean vs default': ['protocol', 'turn0_prompt'],
        'short vs default': ['timeout_s', 'max_turns'],
      });
      expect(c.protocols.groups).toHaveLength(3);
      const md = toMarkdown(c);
      expect(md).toContain('## Protocols differ: NOT COMPARABLE');
      expect(md).toMatch(/protocol clean {2}turn-0 prompt plain {2}time limit 121s {2}turns 3 .*: clean/);
      expect(md).toMatch(/protocol convcodeworld {2}turn-0 prompt bigcodebench-chat {2}time limit 30s {2}turns 1 .*: short/);
      expect(toHtml(c)).toContain('id="protocol-warning"');
      // Two default runs of the same protocol: no warning, one line naming it.
      const again = fakeLiveRun(join(dir, 'again'), { setting, model: 'offline:B', maxTurns: 3, solvedAt });
      const same = compareRunDirs([dflt, again], { resamples: 100 });
      expect(same.protocols.refused).toEqual([]);
      expect(same.paired).toHaveLength(1);
      expect(toMarkdown(same)).not.toContain('NOT COMPARABLE');
      expect(toMarkdown(same)).toContain('All runs: protocol convcodeworld');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compare-runs on hand-made runs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'compare-'));
    buildFixtureRuns(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('recomputes MRR, recall and per-turn pass@1 from the records, live and static', () => {
    const a = loadRun(join(dir, 'live-A'));
    expect(a.mode).toBe('live');
    expect(a.tasks.map((t) => t.rr)).toEqual([1, 1, 0.5, 0]);
    expect(a.mrr).toBeCloseTo(0.625, 12);
    expect(a.recall).toBe(0.75);
    expect(a.recallByTurn).toEqual([0.5, 0.75, 0.75, 0.75]);
    const sb = loadRun(join(dir, 'static-B'));
    expect(sb.mode).toBe('static');
    expect(sb.referenceModel).toBe('offline:0.3');
    expect(sb.tasks.map((t) => t.rr)).toEqual([1, 1 / 3, 0, 1 / 3]);
    // The stored summary agrees with the recomputation.
    const s = JSON.parse(readFileSync(join(dir, 'static-B', 'summary.json'), 'utf8'));
    expect(sb.mrr).toBeCloseTo(s.mrr, 12);
    expect(sb.passAt1ByTurn).toEqual(s.pass_at_1_by_turn);
  });

  it('one row per model x setting with bootstrap CIs, Spearman live vs static, paired tests', () => {
    const c = compareRunDirs([dir], { resamples: 500, seed: 3 });
    expect(c.runs).toHaveLength(6);
    expect(c.rows.map((r) => r.model)).toEqual(['offline:A', 'offline:B', 'offline:C']);
    for (const r of c.rows) {
      expect(r.live && r.static).toBeTruthy();
      for (const m of [r.live!, r.static!]) {
        expect(m.mrr.lo).toBeLessThanOrEqual(m.mrr.estimate);
        expect(m.mrr.hi).toBeGreaterThanOrEqual(m.mrr.estimate);
        expect(m.recall.lo).toBeLessThanOrEqual(m.recall.estimate);
        expect(m.recall.hi).toBeGreaterThanOrEqual(m.recall.estimate);
      }
    }
    // Live MRR: A .625 > C .458 > B .208; static: A .625 > B .417 > C .25 -> d = (0, -1, 1), rho = 1 - 6*2/(3*8) = 0.5
    expect(c.spearman.mrr.n).toBe(3);
    expect(c.spearman.mrr.rho).toBeCloseTo(0.5, 12);
    // Paired tests only between runs that differ in one of model, setting, mode.
    const live = c.paired.find((p) => p.a.startsWith('offline:A') && p.a.includes('live') && p.b.startsWith('offline:A') && p.b.includes('static'))!;
    expect(live.n).toBe(4);
    expect(live.mrrDiff.estimate).toBe(0); // same per-task reciprocal ranks
    expect(live.mrrP).toBe(1);
    expect(c.paired.every((p) => p.mrrP > 0 && p.mrrP <= 1)).toBe(true);
    expect(c.paired.some((p) => p.a.startsWith('offline:A') && p.b.startsWith('offline:B') && p.a.includes('live') && p.b.includes('static'))).toBe(false);
    const md = toMarkdown(c);
    expect(md).toContain('| offline:A | CF_EF_FULL_SEF | 62.5 [');
    expect(md).toMatch(/MRR: 0\.500 over 3 pairs/);
  });

  it('sets live and static calls and tokens per role side by side, from the summaries', () => {
    const md = toMarkdown(compareRunDirs([dir], { resamples: 200 }));
    const read = (run: string) => JSON.parse(readFileSync(join(dir, run, 'summary.json'), 'utf8')).usage;
    const cellOf = (u: { calls: number; input_tokens: number; output_tokens: number }) => `${u.calls} / ${u.input_tokens + u.output_tokens}`;
    const live = read('live-A');
    const stat = read('static-A');
    expect(live.user.calls).toBeGreaterThan(0);
    expect(stat.user.calls).toBe(0);
    expect(md).toContain(`| offline:A | CF_EF_FULL_SEF | ${cellOf(live.coder)} | ${cellOf(live.user)} | ${cellOf(stat.coder)} | 0 / 0 |`);
    const liveUser = ['live-A', 'live-B', 'live-C'].reduce((n, r) => n + read(r).user.calls, 0);
    expect(md).toContain(`Static runs used 0 simulator calls against ${liveUser} live`);
  });

  it('the CLI prints the tables and writes Markdown and HTML', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      process.exitCode = undefined;
      await compareCli([join(dir, 'live-A'), join(dir, 'static-A'), '--markdown', join(dir, 'out', 'cmp.md'), '--html', join(dir, 'out', 'cmp.html'), '--resamples', '200']);
      expect(process.exitCode).toBeUndefined();
      const printed = out.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('## MRR and recall');
      // Two runs given: they are compared pairwise.
      expect(printed).toContain('| offline:A CF_EF_FULL_SEF live | offline:A CF_EF_FULL_SEF static (ref offline:0.3) | 4 |');
      expect(readFileSync(join(dir, 'out', 'cmp.md'), 'utf8')).toBe(printed);
      expect(existsSync(join(dir, 'out', 'cmp.html'))).toBe(true);

      process.exitCode = undefined;
      await compareCli([join(dir, 'nope')]);
      expect(process.exitCode).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/compare-runs: .*nope: no such run directory\n/);
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.exitCode = undefined;
    }
  });
});
