import { parquetWriteBuffer } from 'hyparquet-writer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as toYaml } from 'yaml';
import type { EpisodeRecord, TurnRecord } from '../../src/episode/record.js';
import { parseSetting } from '../../src/episode/settings.js';
import { loadPrices } from '../../src/models/usage.js';
import { summarizeStatic } from '../../src/replay/summary.js';
import type { Reference, StaticEpisodeRecord, StaticTurnRecord } from '../../src/replay/types.js';
import { loadTasks, type BigCodeBenchTask } from '../../src/tasks/bigcodebench.js';
import { summarize } from '../../src/world/summary.js';
import type { Comparability } from '../../src/world/comparability.js';

export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SAMPLE = join(projectRoot, 'data', 'sample-tasks.jsonl');
export const sampleTasks = (): BigCodeBenchTask[] => loadTasks(SAMPLE);

/** The task's reference code, broken on its last line when `broken`. */
export function codeFor(task: BigCodeBenchTask, version: number, broken: boolean): string {
  const lines = task.canonical_solution.replace(/\s+$/, '').split('\n');
  if (broken) lines[lines.length - 1] = `${lines[lines.length - 1]!.match(/^\s*/)![0]}return None  # v${version}`;
  return `${task.code_prompt}${lines.join('\n')}\n`;
}

const tests = (task: BigCodeBenchTask, pass: boolean): Record<string, 'pass' | 'fail'> => {
  const names = [...task.test.matchAll(/def (test_\w+)/g)].map((m) => m[1]!);
  return Object.fromEntries(names.map((n, i) => [n, pass || i > 0 ? 'pass' : 'fail']));
};

/**
 * A fabricated run-world directory: for each task the turn at which it first passes (null: never),
 * with copies after a pass, feedback on every revised turn, and a real summary.json.
 */
export function fakeLiveRun(dir: string, o: { setting: string; model: string; maxTurns: number; solvedAt: (number | null)[]; dataset?: string; protocol?: 'convcodeworld' | 'clean'; timeoutS?: number }): string {
  mkdirSync(dir, { recursive: true });
  const setting = parseSetting(o.setting);
  const tasks = sampleTasks();
  const records: EpisodeRecord[] = o.solvedAt.map((solved, k) => {
    const task = tasks[k]!;
    const turns: TurnRecord[] = [];
    for (let t = 0; t <= o.maxTurns; t++) {
      const pass = solved !== null && t >= solved;
      const copied = solved !== null && t > solved;
      const turn: TurnRecord = { turn: t, code: codeFor(task, solved !== null && t >= solved ? solved : t, !pass), status: pass ? 'pass' : 'fail', tests: tests(task, pass) };
      if (copied) turn.copied = true;
      else {
        turn.compilation = { ok: true, text: 'No syntax errors' };
        turn.usage = { coder: { calls: 1, input_tokens: 100, output_tokens: 50, cached_calls: 0, latency_ms: 0 } };
        if (t > 0) {
          turn.feedback = { compilation: 'No syntax errors' };
          if (setting.exec !== 'none') { turn.feedback.execution = `TEST_FIRST\nAssertionError: v${t - 1}`; turn.feedback.executionCoverage = setting.exec as 'partial' | 'full'; }
          if (setting.user !== 'none') {
            turn.feedback.user = `Line ${t + 3}: the function returns nothing useful here (v${t - 1}).`;
            turn.feedback.leakScore = 0;
            turn.feedback.leakFlagged = false;
            turn.usage.user = { calls: 1, input_tokens: 80, output_tokens: 20, cached_calls: 0, latency_ms: 0 };
          }
        }
      }
      turns.push(turn);
    }
    return { task_id: task.task_id, setting: setting.name, model: o.model, user_model: setting.user === 'none' ? null : 'offline-user', synthetic: true, turns, solved_at: solved };
  });
  writeFileSync(join(dir, 'config.yaml'), toYaml({ model: o.model, userModel: 'offline', setting: setting.name, maxTurns: o.maxTurns, dataset: o.dataset ?? SAMPLE, protocol: o.protocol ?? 'convcodeworld', timeoutS: o.timeoutS ?? 121, out: dir }));
  writeFileSync(join(dir, 'episodes.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const comparability = fakeComparability({ maxTurns: o.maxTurns, simulator: 'offline-user', ...(o.protocol ? { protocol: o.protocol } : {}), ...(o.timeoutS ? { timeoutS: o.timeoutS } : {}) });
  const summary = summarize(records, {
    setting: setting.name, model: o.model, userModel: 'offline-user', maxTurns: o.maxTurns, synthetic: true, erroredScored: comparability.protocol === 'convcodeworld', comparability,
  }, loadPrices());
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summary, dataset: 'sample-tasks.jsonl', history: 'none' }, null, 2));
  return dir;
}

/** A fabricated run-bench directory: target pass vectors against reference pass vectors. */
export function fakeStaticRun(dir: string, o: { setting: string; model: string; maxTurns: number; target: boolean[][]; ref: boolean[][]; referenceModel?: string }): string {
  mkdirSync(dir, { recursive: true });
  const tasks = sampleTasks();
  const records: StaticEpisodeRecord[] = o.target.map((vec, k) => {
    const task = tasks[k]!;
    const ref = o.ref[k]!;
    const turns: StaticTurnRecord[] = vec.map((pass, t) => {
      const turn: StaticTurnRecord = { turn: t, code: codeFor(task, 100 + t, !pass), status: pass ? 'pass' : 'fail', tests: tests(task, pass) };
      if (t > 0) {
        const refPassed = ref[t - 1] === true;
        turn.input = { from: 'reference', turn: t - 1, code: codeFor(task, t - 1, !refPassed), status: refPassed ? 'pass' : 'fail', logged_passed: refPassed, tests: tests(task, refPassed) };
        if (refPassed) { turn.copied = true; turn.code = turn.input.code; }
        else turn.feedback = { compilation: 'No syntax errors', execution: 'TEST_FIRST\nAssertionError', user: `Line ${t + 3}: replayed hint`, replayed: true, drift: [] };
      }
      turn.usage = { coder: { calls: t > 0 && ref[t - 1] ? 0 : 1, input_tokens: 90, output_tokens: 40, cached_calls: 0, latency_ms: 0 } };
      return turn;
    });
    return {
      task_id: task.task_id, setting: o.setting, model: o.model, user_model: null, synthetic: true, mode: 'static', reference_model: o.referenceModel ?? 'offline:0.3',
      reference_pass: ref.slice(0, o.maxTurns), turns, solved_at: vec.indexOf(true) >= 0 ? vec.indexOf(true) : null,
    };
  });
  writeFileSync(join(dir, 'config.yaml'), toYaml({ mode: 'static', model: o.model, setting: o.setting, maxTurns: o.maxTurns }));
  writeFileSync(join(dir, 'episodes.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const summary = summarizeStatic(records, {
    setting: o.setting, model: o.model, maxTurns: o.maxTurns, synthetic: true, referenceModel: o.referenceModel ?? 'offline:0.3', referenceUserModel: 'offline-user',
    referenceSha256: 'x'.repeat(64), compensateInit: true, erroredScored: true, comparability: fakeComparability({ maxTurns: o.maxTurns, simulator: 'offline-user' }),
  }, loadPrices());
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summary, dataset: 'sample-tasks.jsonl', history: 'none' }, null, 2));
  return dir;
}

/**
 * A reference in the published ConvCodeBench layout, rows = tasks: `task_id` and per setting a map
 * ITER=k -> {previous_code, compilation_feedback, execution_feedback, verbal_feedback, label}.
 */
export function toConvCodeBenchRows(ref: Reference): Record<string, unknown>[] {
  const rows = new Map<string, Record<string, unknown>>();
  for (const [setting, { tasks }] of Object.entries(ref.settings)) {
    for (const t of tasks) {
      const row = rows.get(t.task_id) ?? { task_id: t.task_id };
      const cell: Record<string, unknown> = {};
      for (const v of t.turns) {
        if (v.turn >= ref.max_turns) continue;
        cell[`ITER=${v.turn + 1}`] = {
          previous_code: v.code, compilation_feedback: v.compilation_feedback ?? null, execution_feedback: v.execution_feedback ?? null,
          verbal_feedback: v.user_feedback ?? null, label: v.passed ? 'pass' : 'fail',
        };
      }
      row[setting] = cell;
      rows.set(t.task_id, row);
    }
  }
  return [...rows.values()];
}

/** The published shape: ONE row; per setting a struct of ITER=k, each a list of records with their task_id. */
export function publishedRow(ref: Reference): Record<string, Record<string, Record<string, unknown>[]>> {
  const row: Record<string, Record<string, Record<string, unknown>[]>> = {};
  for (const r of toConvCodeBenchRows(ref)) {
    for (const s of Object.keys(ref.settings)) {
      for (const [k, rec] of Object.entries(r[s] as Record<string, Record<string, unknown>>)) ((row[s] ??= {})[k] ??= []).push({ task_id: r.task_id, ...rec });
    }
  }
  return row;
}

const str = (name: string) => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const });

/** The published parquet: one row, a column per setting, ITER=k a LIST of record structs. */
export function writePublishedParquet(file: string, ref: Reference): void {
  const row = publishedRow(ref);
  const settings = Object.keys(ref.settings);
  const iters = Array.from({ length: ref.max_turns }, (_, i) => i + 1);
  const schema = [
    { name: 'root', num_children: settings.length },
    ...settings.flatMap((s) => [
      { name: s, repetition_type: 'OPTIONAL' as const, num_children: iters.length },
      ...iters.flatMap((k) => [
        { name: `ITER=${k}`, repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
        { name: 'element', repetition_type: 'OPTIONAL' as const, num_children: 6 },
        ...['task_id', 'previous_code', 'compilation_feedback', 'execution_feedback', 'verbal_feedback', 'label'].map(str),
      ]),
    ]),
  ];
  writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData: settings.map((s) => ({ name: s, data: [row[s]] })), schema })));
}

/** The same row as the `datasets` library writes it to JSON: each ITER a struct of parallel lists. */
export function writePublishedJson(file: string, ref: Reference): void {
  const row = publishedRow(ref);
  const parallel = Object.fromEntries(Object.entries(row).map(([s, iters]) => [s, Object.fromEntries(Object.entries(iters).map(([k, recs]) => [
    k, Object.fromEntries(Object.keys(recs[0]!).map((f) => [f, recs.map((r) => r[f])])),
  ]))]));
  writeFileSync(file, JSON.stringify(parallel) + '\n');
}

/** The comparability record of a default-protocol run, for fabricated runs. */
export function fakeComparability(o: { maxTurns: number; simulator: string | null; protocol?: 'convcodeworld' | 'clean'; timeoutS?: number }): Comparability {
  return { protocol: o.protocol ?? 'convcodeworld', turn0_prompt: o.protocol === 'clean' ? 'plain' : 'bigcodebench-chat', timeout_s: o.timeoutS ?? 121, max_turns: o.maxTurns, simulator: o.simulator, prompts_sha256: 'p'.repeat(64) };
}
