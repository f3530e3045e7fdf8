import type { Sandbox } from '../../sandbox/types.js';
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
