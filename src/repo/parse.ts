/** What a Django test run printed, reduced to the spec's counts. */
export interface TestSummary {
  /** A "Ran N tests" line followed by OK or FAILED was found. */
  hasSummary: boolean;
  ok: boolean;
  ran: number;
  failures: number;
  errors: number;
  /** (T - failures - errors) / T with T = max(ran, failures + errors); skipped counts as passed; 0 without a summary. */
  pct: number;
  /** "STATUS: test (module.Class)" headers of the failure blocks, in order. */
  failed: string[];
}

const SEP_EQ = '='.repeat(70);

export function parseTestOutput(output: string): TestSummary {
  const lines = output.split('\n');
  const failed: string[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    if (lines[i] === SEP_EQ && /^(ERROR|FAIL|UNEXPECTED SUCCESS): /.test(lines[i + 1]!)) failed.push(lines[i + 1]!);
  }
  let ranAt = -1;
  for (let i = lines.length - 1; i >= 0; i--) if (/^Ran \d+ tests? in /.test(lines[i]!)) { ranAt = i; break; }
  const none: TestSummary = { hasSummary: false, ok: false, ran: 0, failures: 0, errors: 0, pct: 0, failed };
  if (ranAt < 0) return none;
  const ran = Number(/^Ran (\d+)/.exec(lines[ranAt]!)![1]);
  const verdict = lines.slice(ranAt + 1).find((l) => /^(OK|FAILED)\b/.test(l));
  if (!verdict) return { ...none, ran };
  const count = (k: string): number => Number(new RegExp(`\\b${k}=(\\d+)`).exec(verdict)?.[1] ?? 0);
  const failures = verdict.startsWith('FAILED') ? count('failures') : 0;
  const errors = verdict.startsWith('FAILED') ? count('errors') : 0;
  const t = Math.max(ran, failures + errors);
  const ok = verdict.startsWith('OK') && ran > 0;
  return { hasSummary: true, ok, ran, failures, errors, pct: t ? (t - failures - errors) / t : 0, failed };
}
