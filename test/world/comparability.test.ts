import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/episode/protocol.js';
import { parseSetting, SETTING_NAMES } from '../../src/episode/settings.js';
import { comparabilityDiff, comparabilityOf } from '../../src/world/comparability.js';

describe('comparability record', () => {
  it('is the same for every setting of one protocol, so runs of several settings freeze into one reference and compare', () => {
    const of = (setting: string, protocol: 'convcodeworld' | 'clean') =>
      comparabilityOf({ profile: PROFILES[protocol], setting: parseSetting(setting), turn0: 'bigcodebench-chat', timeoutS: 121, maxTurns: 10, simulator: null });
    for (const s of SETTING_NAMES) expect(comparabilityDiff(of('CF', 'convcodeworld'), of(s, 'convcodeworld'))).toEqual([]);
    expect(comparabilityDiff(of('CF', 'convcodeworld'), of('CF', 'clean'))).toEqual(['protocol']);
    expect(of('CF', 'clean').prompts_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
