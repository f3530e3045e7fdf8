import { join } from 'node:path';
import { fakeLiveRun, fakeStaticRun } from '../replay/helpers.js';

const T = true;
const F = false;
const noRef = [[F, F, F], [F, F, F], [F, F, F], [F, F, F]];

/**
 * Three models, live and static, on the first four sample tasks, maxTurns 3.
 * Live MRR: A 0.625, B 0.208, C 0.458. Static MRR: A 0.625, B 0.417, C 0.25.
 */
export function buildFixtureRuns(dir: string): void {
  const setting = 'CF_EF_FULL_SEF';
  fakeLiveRun(join(dir, 'live-A'), { setting, model: 'offline:A', maxTurns: 3, solvedAt: [0, 0, 1, null] });
  fakeLiveRun(join(dir, 'live-B'), { setting, model: 'offline:B', maxTurns: 3, solvedAt: [1, null, null, 2] });
  fakeLiveRun(join(dir, 'live-C'), { setting, model: 'offline:C', maxTurns: 3, solvedAt: [0, 1, 2, null] });
  fakeStaticRun(join(dir, 'static-A'), { setting, model: 'offline:A', maxTurns: 3, ref: noRef, target: [[T, T, T, T], [T, T, T, T], [F, T, T, T], [F, F, F, F]] });
  fakeStaticRun(join(dir, 'static-B'), {
    setting, model: 'offline:B', maxTurns: 3, ref: [[F, F, F], [F, F, F], [F, F, F], [F, F, T]], target: [[T, T, T, T], [F, F, T, F], [F, F, F, F], [F, F, F, T]],
  });
  fakeStaticRun(join(dir, 'static-C'), { setting, model: 'offline:C', maxTurns: 3, ref: noRef, target: [[F, T, F, F], [F, T, F, F], [F, F, F, F], [F, F, F, F]] });
}
