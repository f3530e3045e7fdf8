import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { draw } from '../offline/rng.js';
import { writeFileAtomic } from '../run/atomic.js';
import { mapLimit } from '../util/concurrency.js';
import { InfraError } from '../util/errors.js';
import type { Reporter } from '../report/reporter.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { methodText, replacementFor } from './candidate.js';
import type { RepoBuildConfig } from './config.js';
import type { RepoExecCache } from './exec-cache.js';
import { parseTestOutput } from './parse.js';
import { REPO_TASKS_VERSION, type Mutant, type RepoTask, type RepoTasksHeader } from './record.js';
import type { RepoSandbox } from './sandbox.js';

type Candidate = Omit<RepoTask, 'idx' | 'dp_id' | 'split' | 'file_with_buggy_method' | 'test_error_message' | 'bug'>;
interface Trace { tests: Record<string, [string, number]>; calls: Record<string, string[]>; output: string; source: { orig_sha256: string; version: string; tree_sha256: string } }

export interface BuildResult { header: RepoTasksHeader; tasks: RepoTask[]; judgeMs: number[]; traceSeconds: number; traced: { tests: number; passed: number } }

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The tracing run is the expensive step: kept on disk per image and app list. */
async function traceOnce(c: RepoBuildConfig, sandbox: RepoSandbox, log: Logger): Promise<{ trace: Trace; seconds: number }> {
  const file = join(c.cache_dir, 'repo-build', `trace-${sha(JSON.stringify([sandbox.environmentId(), c.test_apps])).slice(0, 16)}.json`);
  if (existsSync(file)) return { trace: JSON.parse(readFileSync(file, 'utf8')) as Trace, seconds: 0 };
  log.info(`tracing ${c.test_apps.length} test apps once (this takes a while)`);
  const t0 = Date.now();
  const trace = (await sandbox.trace(c.test_apps, c.trace_timeout_s)) as Trace;
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(trace));
  return { trace, seconds: (Date.now() - t0) / 1000 };
}

/** Body of a method that does nothing: the declaration and `pass` at the body's indent. */
export function stubText(t: Pick<RepoTask, 'method'>): string {
  const ind = /^[ \t]*/.exec(t.method.body.split('\n').find((l) => l.trim()) ?? '')![0];
  return `${t.method.declaration}\n${ind}pass`;
}

/** The method's text with one mutation applied. */
export function mutatedMethod(t: Pick<RepoTask, 'method'>, m: Mutant): string {
  const lines = `${t.method.declaration}\n${t.method.body}`.split('\n');
  lines[m.line - 1 - t.method.global_method_declaration_index[0]] = m.new_line;
  return lines.join('\n');
}

/**
 * Builds the task set: one traced run of the chosen test apps finds which passing tests call which
 * methods; candidates (documented methods of top-level classes with a real body) are then validated
 * in seeded order until the target is reached: the reference must pass its tests, a `pass` stub and
 * the chosen mutation must fail them.
 */
export async function buildRepoTasks(c: RepoBuildConfig, deps: { sandbox: RepoSandbox; exec: RepoExecCache; logger?: Logger; reporter?: Reporter }): Promise<BuildResult> {
  const log = deps.logger ?? silentLogger;
  const t0 = Date.now();
  const { trace, seconds: traceSeconds } = await traceOnce(c, deps.sandbox, log);
  const testIds = Object.keys(trace.tests);
  if (!testIds.length) throw new InfraError('REPO_TRACE', `the traced run found no tests: ${trace.output.slice(-500)}`);
  const passed = testIds.filter((t) => trace.tests[t]![0] === 'ok').length;
  log.info(`trace: ${testIds.length} tests, ${passed} passed, ${Object.keys(trace.calls).length} functions called`);
  const ex = (await deps.sandbox.extract({ tests: trace.tests, calls: trace.calls, min_body_lines: c.min_body_lines, max_tests: c.max_tests })) as { candidates: Candidate[]; dropped: Record<string, number>; methods: number };
  const dropped: Record<string, number> = { ...ex.dropped };
  const bump = (why: string): void => { dropped[why] = (dropped[why] ?? 0) + 1; };
  const seen = new Set<string>();
  const cands: (Candidate & { dp_id: string })[] = [];
  for (const cand of ex.candidates) {
    const dp = `${cand.file_path}::${cand.class_name}.${cand.method.name}`;
    if (seen.has(dp)) { bump('same name twice in a class'); continue; }
    seen.add(dp);
    cands.push({ ...cand, dp_id: dp });
  }
  cands.sort((a, b) => draw(c.seed, a.dp_id) - draw(c.seed, b.dp_id) || (a.dp_id < b.dp_id ? -1 : 1));
  log.info(`${ex.methods} methods in top-level classes, ${cands.length} candidates`);

  const judgeMs: number[] = [];
  const results: (RepoTask | string | undefined)[] = new Array(cands.length);
  let accepted = 0;
  let done = 0;
  const enough = (): boolean => {
    let n = 0;
    for (let i = 0; i < results.length; i++) {
      if (results[i] === undefined) return false;
      if (typeof results[i] !== 'string' && ++n >= c.target_tasks) return true;
    }
    return false;
  };
  const ok = (j: { output: string; timedOut: boolean }): boolean => !j.timedOut && parseTestOutput(j.output).ok;
  const groups: number[][] = [];
  for (let i = 0; i < cands.length; i += c.batch_size) groups.push(Array.from({ length: Math.min(c.batch_size, cands.length - i) }, (_, k) => i + k));
  await mapLimit(groups, c.parallel, async (g) => {
    if (enough()) { for (const i of g) results[i] = 'not validated (target reached)'; return; }
    const out = await validateGroup(g.map((i) => cands[i]!));
    g.forEach((i, k) => { results[i] = out[k]; if (typeof out[k] !== 'string') accepted++; });
    done += g.length;
    deps.reporter?.onProgress?.({ phase: 'build', done: accepted, total: c.target_tasks, note: `validated ${done}` });
  });
  deps.reporter?.onRunEnd?.({ phase: 'build' });
  /**
   * Reference, stub and first mutation of several candidates in one container (the file restored
   * after each run, the tree checked at the end); further mutations only where the first one passed.
   */
  async function validateGroup(group: (Candidate & { dp_id: string })[]): Promise<(RepoTask | string)[]> {
    const plan = group.map((cand) => {
      // Every text goes through the same normalisation as a model's answer, so runs reuse these judgments.
      const job = (text: string) => ({ replace: replacementFor(cand as RepoTask, methodText(cand as RepoTask, 'method_gen_multiturn', text)), labels: cand.tests.full_paths, timeoutS: c.timeout_s });
      const muts = [...cand.mutants].sort((a, b) => draw(c.seed, cand.dp_id, 'mut', a.line, a.col) - draw(c.seed, cand.dp_id, 'mut', b.line, b.col)).slice(0, c.mutants_tried);
      return { cand, job, muts, ref: job(`${cand.method.declaration}\n${cand.method.body}`), stub: job(stubText(cand)) };
    });
    const first = await deps.exec.judgeMany(plan.flatMap((p) => [p.ref, p.stub, p.job(mutatedMethod(p.cand, p.muts[0]!))]), false, ok);
    for (const j of first) if (j && !j.cached) judgeMs.push(j.wallMs);
    const again = plan.map((_, k) => !!first[3 * k + 2] && ok(first[3 * k]!) && !ok(first[3 * k + 1]!) && ok(first[3 * k + 2]!));
    const restJobs = plan.flatMap((p, k) => (again[k] ? p.muts.slice(1).map((m) => p.job(mutatedMethod(p.cand, m))) : []));
    const rest = restJobs.length ? await deps.exec.judgeMany(restJobs, false, ok) : [];
    for (const j of rest) if (j && !j.cached) judgeMs.push(j.wallMs);
    let r = 0;
    return plan.map((p, k) => {
      const more = again[k] ? rest.slice(r, (r += p.muts.length - 1)) : [];
      if (!first[3 * k] || !first[3 * k + 1] || !first[3 * k + 2] || more.some((j) => !j)) return 'not validated (build stopped; --cached-only)';
      if (!ok(first[3 * k]!)) return 'reference fails its tests';
      if (ok(first[3 * k + 1]!)) return 'stub passes its tests';
      const verdicts = [first[3 * k + 2]!, ...more.map((j) => j!)];
      const i = verdicts.findIndex((j) => !ok(j));
      if (i < 0) return `no failing mutation among ${p.muts.length}`;
      const m = p.muts[i]!;
      const lines = p.cand.raw_file_content.split('\n');
      lines[m.line - 1] = m.new_line;
      return { ...p.cand, idx: 0, split: 'test', file_with_buggy_method: lines.join('\n'), test_error_message: verdicts[i]!.output, bug: m };
    });
  }
  const tasks: RepoTask[] = [];
  // Past the target, whether a candidate was validated depends on timing: one reason for all of them keeps the header reproducible.
  for (const r of results) {
    if (tasks.length >= c.target_tasks) bump('not needed (target reached)');
    else if (typeof r === 'string') bump(r);
    else if (r) tasks.push({ ...r, idx: tasks.length });
  }
  const header: RepoTasksHeader = {
    format: 'repo-tasks', version: REPO_TASKS_VERSION,
    source: { package: 'python-django (Debian bookworm source)', ...trace.source },
    image: deps.sandbox.image, seed: c.seed, test_apps: c.test_apps,
    counts: { tasks: tasks.length, method_gen_multiturn: tasks.length, completion: tasks.length, program_repair: tasks.length, methods: ex.methods, candidates: cands.length, traced_tests: testIds.length, traced_tests_passed: passed },
    dropped, build_seconds: Math.round((Date.now() - t0) / 1000),
  };
  mkdirSync(dirname(c.out), { recursive: true });
  writeFileAtomic(c.out, [header, ...tasks].map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { header, tasks, judgeMs, traceSeconds, traced: { tests: testIds.length, passed } };
}
