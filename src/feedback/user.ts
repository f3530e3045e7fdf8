/**
 * Post-processing of a simulated user's text, as in the original: keep what precedes the first
 * `---` and the first triple newline; the expert's text is also cut at the first newline followed
 * by a code fence, so no code reaches the coder.
 */
export function postprocessUserFeedback(text: string, expert: boolean, trim = true): string {
  let out = text.split('---', 1)[0]!.split('\n\n\n', 1)[0]!;
  if (expert) out = out.split('\n```', 1)[0]!;
  // The original passes the cut text on as it is; clean trims it.
  return trim ? out.trim() : out;
}

const tokenize = (s: string): string[] => s.match(/[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|==|!=|<=|>=|\*\*|\/\/|[^\sA-Za-z0-9_]/g) ?? [];

/**
 * Leak score: share of the reference solution's distinct code 4-grams of tokens that appear in the
 * feedback. Prose almost never reproduces 4 consecutive code tokens; quoted code does.
 */
export function leakScore(feedback: string, reference: string, n = 4): number {
  const ref = tokenize(reference);
  if (ref.length < n) return 0;
  const grams = new Set<string>();
  for (let i = 0; i + n <= ref.length; i++) grams.add(ref.slice(i, i + n).join(' '));
  const fb = tokenize(feedback);
  const seen = new Set<string>();
  for (let i = 0; i + n <= fb.length; i++) {
    const g = fb.slice(i, i + n).join(' ');
    if (grams.has(g)) seen.add(g);
  }
  return grams.size ? seen.size / grams.size : 0;
}

/** Above this leak score a turn is flagged; quoting a few reference lines is enough to cross it. */
export const LEAK_THRESHOLD = 0.15;
