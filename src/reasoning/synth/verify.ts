import { z } from 'zod';
import type { Sandbox } from '../../sandbox/types.js';
import { UserError } from '../../util/errors.js';
import { readJsonl } from '../../util/jsonl.js';
import { reasoningSandbox } from '../preload.js';
import { mapLimit } from '../../util/concurrency.js';
import { CASE2CODE_TIMEOUT_S, case2codeCheck, judgeCase2Code, type Case2CodeOutcome } from '../case2code.js';
import { draw } from '../../offline/rng.js';
import type { Case2CodeItem } from '../types.js';
import type { ExampleOutput } from './records.js';

/** The fields of a --for-eval sample that a rerun needs. */
export interface EvalSample {
  id: string;
  func_name: string;
  code: string;
  example_str: string;
  example_outputs: ExampleOutput[];
}

/** A reproducible random subset of `n` samples (seeded), in file order. */
export function sampleSubset<T extends { id: string }>(rows: T[], n: number, seed: number): T[] {
  return [...rows].sort((a, b) => draw('synth-verify', seed, a.id) - draw('synth-verify', seed, b.id)).slice(0, n);
}

/**
 * Reruns each sample's reference code on its example inputs in fresh sandbox children, through
 * the Case2Code scorer's own harness, and compares every record with the kept outputs.
 */
export async function rerunSamples(samples: EvalSample[], sandbox: Sandbox, parallel = 2): Promise<{ id: string; outcome: Case2CodeOutcome }[]> {
  return mapLimit(samples, parallel, async (s) => {
    const item: Case2CodeItem = {
      family: 'case2code', id: s.id, funcName: s.func_name, code: s.code, exampleStr: s.example_str,
      goldOutputs: s.example_outputs.map((o) => ('return' in o ? o.return : o.error)), shownCases: [],
    };
    const [r] = await sandbox.runChecks([{ code: case2codeCheck(item, s.code), timeoutS: CASE2CODE_TIMEOUT_S }], { fresh: true });
    return { id: s.id, outcome: judgeCase2Code(item, r ?? { ok: false, timedOut: false, error: 'no result' }) };
  });
}

export interface VerifySynthOptions {
  /** A samples file written by `run-reasoning synth --stage build --for-eval`. */
  samples: string;
  /** How many samples to rerun (a seeded random subset). */
  n?: number;
  seed?: number;
  sandbox?: 'docker' | 'local';
  /** Reruns at once. */
  parallel?: number;
}

export interface VerifySynthResult {
  /** Samples in the file. */
  total: number;
  rerun: { id: string; outcome: Case2CodeOutcome }[];
  /** Kept outputs (one per example input) of the rerun samples. */
  outputs: number;
  wallMs: number;
}

/**
 * Reruns a seeded subset of a --for-eval synth samples file in fresh sandbox children (with the
 * judges Case2Code scoring uses) and returns each sample's outcome: `correct` when every kept output is reproduced.
 */
export async function verifySynthSamples(o: VerifySynthOptions): Promise<VerifySynthResult> {
  const rows = readJsonl(o.samples, z.object({ id: z.string() }).passthrough());
  // A training samples file ({id, prompt, output}) lacks the inputs and outputs to rerun.
  const notEval = rows.findIndex((r) => !Array.isArray(r.example_outputs) || typeof r.example_str !== 'string');
  if (notEval >= 0) {
    throw new UserError('NOT_EVAL_SAMPLES', `${o.samples}:${notEval + 1}: not a --for-eval sample (no example_str/example_outputs); build one with run-reasoning synth --stage build --for-eval --from <out>/filtered.jsonl --out <dir>`);
  }
  const subset = sampleSubset(rows as unknown as EvalSample[], o.n ?? 200, o.seed ?? 0);
  const parallel = o.parallel ?? 2;
  const sandbox = reasoningSandbox('case2code', { kind: o.sandbox ?? 'docker', parallel });
  const t0 = Date.now();
  try {
    const rerun = await rerunSamples(subset, sandbox, parallel);
    return { total: rows.length, rerun, outputs: subset.reduce((s, r) => s + r.example_outputs.length, 0), wallMs: Date.now() - t0 };
  } finally {
    await sandbox.close();
  }
}
