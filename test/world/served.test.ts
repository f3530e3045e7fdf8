import { describe, expect, it } from 'vitest';
import { usageOf } from '../../src/episode/judge.js';
import { PROFILES } from '../../src/episode/protocol.js';
import type { EpisodeRecord } from '../../src/episode/record.js';
import { parseSetting } from '../../src/episode/settings.js';
import type { Generation } from '../../src/models/types.js';
import { comparabilityOf } from '../../src/world/comparability.js';
import { summarize } from '../../src/world/summary.js';

const gen = (servedModel?: string): Generation => ({ text: 'x', usage: { inputTokens: 1, outputTokens: 1 }, latencyMs: 1, cached: false, ...(servedModel ? { servedModel } : {}) });

describe('the model names the endpoints reported', () => {
  it('are kept per turn and collected per role into the summary, from the records alone', () => {
    expect(usageOf([gen('gpt-4o-2024-05-13'), gen('gpt-4o-2024-05-13')]).served).toEqual(['gpt-4o-2024-05-13']);
    expect(usageOf([gen()])).not.toHaveProperty('served');
    const turn = (coder?: string, user?: string) => ({
      turn: 1, code: '', status: 'fail' as const, compilation: { ok: true, text: '' },
      usage: { coder: usageOf([gen(coder)]), ...(user ? { user: usageOf([gen(user)]) } : {}) },
    });
    const rec = { task_id: 'T/1', setting: 'CF_SEF', model: 'm', user_model: 'u', synthetic: false, solved_at: null, turns: [turn('srv-coder', 'gpt-4o-2024-05-13'), turn('srv-coder')] } as unknown as EpisodeRecord;
    const comparability = comparabilityOf({ profile: PROFILES.convcodeworld, setting: parseSetting('CF_SEF'), turn0: 'bigcodebench-chat', timeoutS: 121, maxTurns: 1, simulator: 'openai:gpt-4o-2024-05-13' });
    const meta = { setting: 'CF_SEF', model: 'm', userModel: 'u', maxTurns: 1, synthetic: false, erroredScored: true, comparability };
    expect(summarize([rec], meta, {}).served_models).toEqual({ coder: ['srv-coder'], user: ['gpt-4o-2024-05-13'] });
    const quiet = { ...rec, turns: [turn()] } as EpisodeRecord;
    expect(summarize([quiet], meta, {})).not.toHaveProperty('served_models');
  });
});
