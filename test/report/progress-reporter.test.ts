import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressReporter } from '../../src/report/progress-reporter.js';
import { combineReporters, type Reporter } from '../../src/report/reporter.js';

/** A terminal that records what is written to it (CI machines set CI=true, which turns lines off). */
function terminal(): { text: () => string } {
  vi.stubEnv('CI', '');
  let text = '';
  const stream = { isTTY: true, columns: 200, write: (s: string) => { text += s; return true; } };
  vi.spyOn(process.stderr, 'write').mockImplementation(stream.write as typeof process.stderr.write);
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
  return { text: () => text };
}

const wasTTY = process.stderr.isTTY;
afterEach(() => {
  Object.defineProperty(process.stderr, 'isTTY', { value: wasTTY, configurable: true });
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('progress reporter', () => {
  it('draws one line per phase, labelled by command and phase, with the note of each item', () => {
    const t = terminal();
    const r = progressReporter<{ ok: boolean }>('run-bench', (rec) => (rec.ok ? 'ok' : 'not ok'));
    r.onRunStart!({ phase: 'CF', total: 2, resumed: 1 });
    r.onItemEnd!({ phase: 'CF', record: { ok: false }, done: 2, total: 2 });
    r.onRunEnd!({ phase: 'CF' });
    r.onProgress!({ phase: 'run-bench', done: 3, total: 3 });
    const lines = t.text().split('\n').map((l) => l.split('\r').filter(Boolean).pop()?.trimEnd());
    expect(lines[0]).toMatch(/^run-bench CF \[#{24}\] 2\/2 \d+s not ok$/);
    expect(lines[1]).toMatch(/^run-bench \[#{24}\] 3\/3 \d+s$/);
  });

  it('combined reporters each get every hook they define, in order', () => {
    const got: string[] = [];
    const a: Reporter<number> = { onItemEnd: (e) => got.push(`a${e.record}`) };
    const b: Reporter<number> = { onItemEnd: (e) => got.push(`b${e.record}`), onRunEnd: () => got.push('b end') };
    const both = combineReporters(a, undefined, b);
    both.onItemEnd!({ phase: 'x', record: 7, done: 1, total: 1 });
    both.onTurn!({ phase: 'x', id: 't', turn: undefined });
    both.onRunEnd!({ phase: 'x' });
    expect(got).toEqual(['a7', 'b7', 'b end']);
  });
});
