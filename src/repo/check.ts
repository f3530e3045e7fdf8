import { mapLimit } from '../util/concurrency.js';
import { mutatedMethod, stubText } from './build.js';
import { methodText, replacementFor } from './candidate.js';
import { parseTestOutput } from './parse.js';
import type { RepoTasksHeader } from './record.js';
import { RepoSandbox } from './sandbox.js';
import { loadRepoTasks } from './tasks.js';

export interface CheckRepoTasksOptions {
  /** A tasks file written by buildRepoTasks. */
  tasks: string;
  /** Judgments at once (one container each). */
  parallel?: number;
  /** Only the first N tasks. */
  limit?: number;
  /** The judge image (default: RepoSandbox's). */
  image?: string;
  /** Called after each task with the running counts. */
  onProgress?: (c: { checked: number; total: number; referencePasses: number; stubFails: number; buggyFails: number }) => void;
}

export interface CheckRepoTasksResult {
  tasks_file: string;
  image: string;
  source: RepoTasksHeader['source'];
  tasks: number;
  reference_passes: number;
  stub_fails: number;
  buggy_fails: number;
  /** One line per task whose reference fails, or whose stub or buggy variant passes. */
  problems: string[];
  judgments: number;
  judge_ms_median: number | undefined;
  judge_ms_p90: number | undefined;
  wall_s: number;
}

/**
 * Judges every task of a built set again, without the judgment cache: the reference must pass its
 * tests (the first 20), and the `pass` stub and the buggy variant must fail them.
 */
export async function checkRepoTasks(o: CheckRepoTasksOptions): Promise<CheckRepoTasksResult> {
  const parallel = o.parallel ?? 2;
  const { header, tasks: all } = loadRepoTasks(o.tasks);
  const tasks = o.limit ? all.slice(0, o.limit) : all;
  const sb = new RepoSandbox({ parallel, ...(o.image ? { image: o.image } : {}) });
  const ms: number[] = [];
  const problems: string[] = [];
  let referencePasses = 0, stubFails = 0, buggyFails = 0, checked = 0;
  const t0 = Date.now();
  await mapLimit(tasks, parallel, async (t) => {
    const labels = t.tests.full_paths.slice(0, 20);
    const judge = (text: string) => sb.judge({ replace: replacementFor(t, text), labels, timeoutS: 60 });
    const ref = await judge(methodText(t, 'method_gen_multiturn', `${t.method.declaration}\n${t.method.body}`));
    const stub = await judge(stubText(t));
    // Tasks from published records may carry no single-line bug: nothing to check for them.
    const buggy = t.bug ? await judge(mutatedMethod(t, t.bug)) : undefined;
    ms.push(ref.wallMs, stub.wallMs, ...(buggy ? [buggy.wallMs] : []));
    if (parseTestOutput(ref.output).ok) referencePasses++; else problems.push(`${t.dp_id}: reference fails`);
    if (!parseTestOutput(stub.output).ok) stubFails++; else problems.push(`${t.dp_id}: stub passes`);
    if (!buggy) problems.push(`${t.dp_id}: no recorded bug`);
    else if (!parseTestOutput(buggy.output).ok) buggyFails++; else problems.push(`${t.dp_id}: buggy variant passes`);
    o.onProgress?.({ checked: ++checked, total: tasks.length, referencePasses, stubFails, buggyFails });
  });
  ms.sort((a, b) => a - b);
  const q = (p: number): number | undefined => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  return {
    tasks_file: o.tasks, image: sb.image, source: header.source, tasks: tasks.length, reference_passes: referencePasses, stub_fails: stubFails, buggy_fails: buggyFails, problems,
    judgments: ms.length, judge_ms_median: q(0.5), judge_ms_p90: q(0.9), wall_s: Math.round((Date.now() - t0) / 1000),
  };
}
