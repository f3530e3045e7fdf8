/**
 * chrF (character n-grams 1..6, beta 2, whitespace removed), averaging per-order F scores over the
 * orders both texts reach, on a 0-100 scale; the sentence-level form of sacrebleu's default.
 */
export function chrF(hyp: string, ref: string, order = 6, beta = 2): number {
  const h = hyp.replace(/\s+/g, '');
  const r = ref.replace(/\s+/g, '');
  const f2 = beta * beta;
  let sum = 0;
  let effective = 0;
  for (let n = 1; n <= order; n++) {
    const hc = ngrams(h, n);
    const rc = ngrams(r, n);
    let hn = 0, rn = 0, match = 0;
    for (const v of hc.values()) hn += v;
    for (const v of rc.values()) rn += v;
    for (const [g, v] of hc) match += Math.min(v, rc.get(g) ?? 0);
    if (hn > 0 && rn > 0) effective++;
    const p = hn > 0 ? match / hn : 1e-16;
    const rec = rn > 0 ? match / rn : 1e-16;
    const d = f2 * p + rec;
    sum += d > 0 ? ((1 + f2) * p * rec) / d : 1e-16;
  }
  return effective ? (100 * sum) / effective : 0;
}

function ngrams(s: string, n: number): Map<string, number> {
  const m = new Map<string, number>();
  const cs = [...s];
  for (let i = 0; i + n <= cs.length; i++) {
    const g = cs.slice(i, i + n).join('');
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Length of the common character prefix over the reference's length (0 for an empty reference). */
export function commonPrefixRatio(hyp: string, ref: string): number {
  if (!ref.length) return 0;
  let i = 0;
  while (i < hyp.length && i < ref.length && hyp[i] === ref[i]) i++;
  return i / ref.length;
}
