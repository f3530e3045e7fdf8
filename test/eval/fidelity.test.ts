import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEval } from '../../src/eval/run-eval.js';
import { DATASET, SHARED, SUPPLIED, evalSandbox, evalSkipReason, titled } from '../helpers/bigcodebench-eval.js';

const REFERENCE = join(SHARED, 'reference', 'bigcodebench', 'canonical-status-v0.1.4-debian-bookworm.json');
const why = evalSkipReason(DATASET, REFERENCE);

// The whole canonical set of v0.1.4 in the Docker sandbox (about 6 minutes on 2 cores).
describe.skipIf(!!why)(titled('canonical fidelity, all 1140 tasks', why), () => {
  const { out, sb } = evalSandbox('fidelity-');

  it('passes at least 1100 and agrees with the reference (supplied tasks expected to pass) on at least 99% of tasks', async () => {
    const r = await runEval({ dataset: DATASET, canonical: true, timeoutS: 240, out, parallel: 4 }, { sandbox: sb });
    const ours = JSON.parse(readFileSync(r.file, 'utf8')).eval as Record<string, { status: string }[]>;
    const ref = JSON.parse(readFileSync(REFERENCE, 'utf8')) as Record<string, string>;
    const ids = Object.keys(ref);
    const expected = (id: string): boolean => ref[id] === 'pass' || SUPPLIED[id] !== undefined;
    const agree = ids.filter((id) => (ours[id]![0]!.status === 'pass') === expected(id));
    const disagree = ids.filter((id) => !agree.includes(id)).map((id) => `${id}: ours ${ours[id]![0]!.status}, reference ${ref[id]}`);
    console.log(`canonical v0.1.4: ${r.counts.pass} pass; agreement (supplied tasks expected to pass) ${agree.length}/${ids.length}; differ: ${disagree.join('; ') || 'none'}`);
    expect(r.counts.pass).toBeGreaterThanOrEqual(1100);
    expect(agree.length / ids.length).toBeGreaterThanOrEqual(0.99);
  }, 45 * 60_000);
});
