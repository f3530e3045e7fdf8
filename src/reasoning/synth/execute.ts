import { setTimeout as delay } from 'node:timers/promises';
import type { CheckResult, Sandbox } from '../../sandbox/types.js';
import { Semaphore } from '../../models/limiter.js';
import { firstDefName, functionFromPrompt } from './prompt.js';
import { helperCheck } from './python.js';
import { bump, SYNTH_FORMAT, type ExecLimits, type ExecNote, type InputsRow } from './records.js';

/** Rows sent to one warm sandbox slot per request (each row runs in two isolated children). */
const ROWS_PER_BATCH = 4;

const IN_START = '############ <|EXAMPLE INPUR START|> ############';
const IN_END = '############ <|EXAMPLE INPUR END|> ############';
const OUT_START = '############ <|EXAMPLE OUTPUT START|> ############';
const OUT_END = '############ <|EXAMPLE OUTPUT END|> ############';

type Record1 = { r: string; exc: boolean } | { drop: string };
/** One kept example outcome: the scorer's record text, and whether it is an exception. */
export interface KeptRecord {
  r: string;
  exc: boolean;
}
interface ExecValue {
  status: string;
  detail?: string;
  inputs?: string[];
  records?: Record1[];
  parsed?: [string, string][][] | null;
}

/** The program text that runs: the raw function with its import lines in front. */
export function codeOf(row: InputsRow): string {
  const content = row.data?.content ?? functionFromPrompt(row.prompt) ?? '';
  const imports = row.data?.import_code ?? [];
  return imports.length ? `${imports.join('\n')}\n\n${content}` : content;
}

/** Extra stack frames around each call in the second run, so stack-depth-dependent results differ. */
const SECOND_RUN_PAD_FRAMES = 40;
/** String-hash seed of the second run; the first runs under the sandbox's own (0). */
export const SECOND_RUN_HASH_SEED = 1;
/** Delay before the second run starts: results that show the time (in seconds or finer) then differ. */
const SECOND_RUN_DELAY_MS = 1100;

function job(code: string, funcName: string, exampleStr: string, limits: ExecLimits, padFrames = 0) {
  const n = Math.min(exampleStr.split('\n').length, 80);
  const timeoutS = limits.callTimeoutS * (n + 6) + 2;
  return helperCheck('synth_exec.py', 'run', {
    code, func_name: funcName, example_str: exampleStr, import_code: [],
    call_timeout: limits.callTimeoutS, mem_mb: limits.memoryMb, max_output: limits.maxOutputChars, pad_frames: padFrames,
  }, timeoutS);
}

/** The original's raw output text for the kept inputs and records (so its filter rules apply unchanged). */
export function rawOutput(inputs: string[], records: KeptRecord[]): string {
  const outs = records.map((x) => `<|OUT|>\n${x.exc ? x.r : `<|RETURN|> ${x.r}`}`);
  return [IN_START, ...inputs.map((i) => `<|EX|> ${i}`), IN_END, OUT_START, ...outs, OUT_END, ''].join('\n');
}

function rewriteExamples(parsed: [string, string][][]): string | undefined {
  if (!parsed.every((ex) => ex.every(([k]) => /^[A-Za-z_]\w*$/.test(k)))) return undefined;
  const lines = parsed.map((ex) => `    dict(${ex.map(([k, v]) => `${k}=${v}`).join(', ')}),`);
  return `examples = [\n${lines.join('\n')}\n]`;
}

function valueOf(r: CheckResult | undefined): ExecValue | { failed: string; detail: string } {
  if (!r || !r.ok) return { failed: r?.timedOut ? 'sandbox_timeout' : 'sandbox_error', detail: r?.error ?? 'no result' };
  return r.value as ExecValue;
}

interface Outcome {
  note: ExecNote;
  exampleStr: string;
  inputs: string[];
  records: KeptRecord[];
  parsed: [string, string][][] | null;
}

/** Runs one row twice (two children), drops bad inputs, and re-checks a rewritten example list once. */
async function executeRow(row: InputsRow, first: [CheckResult?, CheckResult?], sandbox: Sandbox, limits: ExecLimits): Promise<Outcome> {
  const fail = (reason: string, detail?: string): Outcome => ({
    note: { reason, ...(detail ? { detail } : {}), dropped_inputs: {}, rewritten: false },
    exampleStr: row.example_str, inputs: [], records: [], parsed: null,
  });
  const a = valueOf(first[0]);
  const b = valueOf(first[1]);
  if ('failed' in a) return fail(a.failed, a.detail);
  if (a.status !== 'ok') return fail(a.status, a.detail);
  if ('failed' in b || b.status !== 'ok' || JSON.stringify(b.records) !== JSON.stringify(a.records) || JSON.stringify(b.inputs) !== JSON.stringify(a.inputs)) {
    return fail('nondeterministic', 'the second run differs from the first');
  }
  const dropped: Record<string, number> = {};
  const keep: number[] = [];
  const seen = new Set<string>();
  a.records!.forEach((rec, i) => {
    if ('drop' in rec) return bump(dropped, rec.drop);
    const input = a.inputs![i]!;
    if (seen.has(input)) return bump(dropped, 'duplicate_input');
    seen.add(input);
    keep.push(i);
  });
  const records = keep.map((i) => a.records![i] as KeptRecord);
  const inputs = keep.map((i) => a.inputs![i]!);
  const parsed = a.parsed ? keep.map((i) => a.parsed![i]!) : null;
  const note: ExecNote = { reason: null, dropped_inputs: dropped, rewritten: false };
  if (keep.length === 0) return { ...fail('no_inputs_left'), note: { ...note, reason: 'no_inputs_left' } };
  if (keep.length === a.records!.length) return { note, exampleStr: row.example_str, inputs, records, parsed };
  const rewritten = parsed ? rewriteExamples(parsed) : undefined;
  if (!rewritten) return { ...fail('unparsable_examples'), note: { ...note, reason: 'unparsable_examples' } };
  // Dropping calls can change what a stateful function returns later: run the new list once more.
  const [again] = await sandbox.runChecks([job(codeOf(row), firstDefName(codeOf(row)) ?? '', rewritten, limits)]);
  const c = valueOf(again);
  const same = !('failed' in c) && c.status === 'ok' && JSON.stringify(c.records) === JSON.stringify(records);
  if (!same) return { ...fail('unstable_after_rewrite'), note: { ...note, reason: 'unstable_after_rewrite' } };
  return { note: { ...note, rewritten: true }, exampleStr: rewritten, inputs, records, parsed };
}

/** The rows of one sandbox request and the two runs of its runnable rows. */
async function runBatch(batch: InputsRow[], sandbox: Sandbox, limits: ExecLimits): Promise<{ runnable: InputsRow[]; runs: [CheckResult[], CheckResult[]] }> {
  const runnable = batch.filter((r) => r.check_result && r.example_str.trim() && firstDefName(codeOf(r)));
  const items = (pad: number) => runnable.map((r) => job(codeOf(r), firstDefName(codeOf(r))!, r.example_str, limits, pad));
  // The second run is a fresh interpreter with another (fixed) string-hash seed and a deeper stack,
  // started a clock second later, so set-order, stack-depth and clock dependence show up as
  // differences too; fixed seeds keep the set of rows dropped the same from one synth run to the next.
  const firstRun = sandbox.runChecks(items(0));
  await delay(SECOND_RUN_DELAY_MS);
  const runs = await Promise.all([firstRun, sandbox.runChecks(items(SECOND_RUN_PAD_FRAMES), { fresh: true, hashSeed: SECOND_RUN_HASH_SEED })]);
  return { runnable, runs };
}

/** One row's record of the execute stage, from its batch's two runs. */
async function finishRow(row: InputsRow, b: Awaited<ReturnType<typeof runBatch>>, sandbox: Sandbox, limits: ExecLimits): Promise<Record<string, unknown>> {
  const code = codeOf(row);
  const funcName = firstDefName(code) ?? '';
  const k = b.runnable.indexOf(row);
  const o: Outcome =
    k < 0
      ? { note: { reason: !funcName ? 'no_function' : 'no_examples', dropped_inputs: {}, rewritten: false }, exampleStr: row.example_str, inputs: [], records: [], parsed: null }
      : await executeRow(row, [b.runs[0][k], b.runs[1][k]], sandbox, limits);
  const ok = o.note.reason === null;
  return {
    ...row, example_str: o.exampleStr, code, func_name: funcName,
    exec_raw_output: ok ? rawOutput(o.inputs, o.records) : `${o.note.reason}${o.note.detail ? `: ${o.note.detail}` : ''}`,
    exec_status: ok, parsed_inputs: o.parsed, synth_exec: o.note, synth_format: SYNTH_FORMAT,
  };
}

/**
 * The execute stage's worker for runItems over `todo`: ROWS_PER_BATCH rows to a sandbox request,
 * `parallel` requests at once, each row's record ready (and journaled) as soon as that row is done.
 */
export function rowExecutor(
  todo: readonly InputsRow[],
  sandbox: Sandbox,
  opts: { limits: ExecLimits; parallel: number },
): (row: InputsRow) => Promise<Record<string, unknown>> {
  const slots = new Semaphore(opts.parallel);
  const index = new Map(todo.map((row, i) => [row, i]));
  const started = new Map<number, Promise<Record<string, unknown>>[]>();
  const start = (b: number): Promise<Record<string, unknown>>[] => {
    const batch = todo.slice(b * ROWS_PER_BATCH, (b + 1) * ROWS_PER_BATCH);
    const slot = slots.acquire();
    const checks = slot.then(() => runBatch(batch, sandbox, opts.limits));
    let prev: Promise<unknown> = checks;
    // Rows finish one after another, in batch order, as they did in one request's loop.
    const rows = batch.map((row) => (prev = prev.then(() => checks).then((c) => finishRow(row, c, sandbox, opts.limits))) as Promise<Record<string, unknown>>);
    void Promise.allSettled([checks, ...rows]).then(() => slot.then((release) => release()));
    return rows;
  };
  return (row) => {
    const i = index.get(row)!;
    const b = Math.floor(i / ROWS_PER_BATCH);
    if (!started.has(b)) started.set(b, start(b));
    return started.get(b)![i % ROWS_PER_BATCH]!;
  };
}

/** Rows in flight for rowExecutor: enough to keep every request's rows waiting (the semaphore bounds the requests). */
export function executeWorkers(parallel: number): number {
  return parallel * ROWS_PER_BATCH;
}
