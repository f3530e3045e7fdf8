import type { CheckItem, CheckResult, ExecResult, Sandbox, SyntaxResult, UnittestJob } from '../../src/sandbox/types.js';

/**
 * In-memory sandbox for loop tests: code says how it fares through markers. `<<syntax>>` does not
 * compile; `# fails: test_a,test_b` fails those tests; `# fails-silently` fails with no details.
 * Everything else passes. Test names come from the test source, as the real judge reads them.
 */
export class FakeSandbox implements Sandbox {
  readonly kind = 'local' as const;
  readonly judged: string[] = [];
  constructor(private readonly checks?: (items: CheckItem[]) => CheckResult[]) {}

  async start(): Promise<void> {}
  async close(): Promise<void> {}
  environmentId(): string {
    return 'fake';
  }

  async runUnittest(job: UnittestJob): Promise<ExecResult> {
    this.judged.push(job.solution);
    const tests = [...job.test.matchAll(/def (test_\w+)/g)].map((m) => m[1]!);
    const compatOrder = [...job.test.matchAll(/def (\w+)\(/g)].map((m) => m[1]!);
    const base = { tests, compatOrder, timedOut: false, oom: false, durationMs: 1 };
    if (job.solution.includes('<<syntax>>')) return { ...base, status: 'fail', details: { ALL: 'Traceback (most recent call last):\nSyntaxError: invalid syntax' } };
    if (job.solution.includes('# fails-silently')) return { ...base, status: 'fail', details: {} };
    const failing = /# fails: ([\w,]+)/.exec(job.solution)?.[1]?.split(',') ?? [];
    const details = Object.fromEntries(failing.map((t) => [t, `Traceback (most recent call last):\n  File "t.py", line 3, in ${t}\nAssertionError: ${t} wrong  `]));
    return { ...base, status: failing.length ? 'fail' : 'pass', details };
  }

  async checkSyntax(code: string): Promise<SyntaxResult> {
    return code.includes('<<syntax>>') ? { ok: false, error: 'Traceback (most recent call last):\n  File "tmp.py", line 2\nSyntaxError: invalid syntax\n' } : { ok: true };
  }

  async runChecks(items: CheckItem[]): Promise<CheckResult[]> {
    if (this.checks) return this.checks(items);
    return items.map((item) => {
      const r = fakeSanitize(item);
      if (!r) throw new Error('FakeSandbox: no check handler');
      return r;
    });
  }
}

/** Stands in for BigCodeBench's turn-0 sanitizer (a check ending with its call): the first python block as it is, else nothing. */
function fakeSanitize(item: CheckItem): CheckResult | undefined {
  const m = /__result__ = sanitize\(_json\.loads\(("(?:[^"\\]|\\.)*")\)/.exec(item.code);
  if (!m) return undefined;
  const answer = JSON.parse(JSON.parse(m[1]!) as string) as string;
  return { ok: true, timedOut: false, durationMs: 1, value: /```python\n([\s\S]*?)\n```/.exec(answer)?.[1] ?? '' };
}
