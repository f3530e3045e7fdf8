/** A run of lines: '=' kept, '-' only in the old text, '+' only in the new one. */
export type DiffOp = ['=' | '-' | '+', number];

/** Most cells the LCS table may have; past it the changed middle is shown as removed + added. */
const MAX_CELLS = 4_000_000;

/**
 * Line diff of two texts' lines by longest common subsequence, as runs of ops. Common prefix and
 * suffix are stripped first; within a change, removals come before additions.
 */
export function lineDiff(a: readonly string[], b: readonly string[]): DiffOp[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const ops: ('=' | '-' | '+')[] = [];
  for (let i = 0; i < pre; i++) ops.push('=');
  const n = A.length;
  const m = B.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    for (let i = 0; i < n; i++) ops.push('-');
    for (let j = 0; j < m; j++) ops.push('+');
  } else {
    // L[i][j] = LCS length of A[i..] and B[j..].
    const w = m + 1;
    const L = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        L[i * w + j] = A[i] === B[j] ? L[(i + 1) * w + j + 1]! + 1 : Math.max(L[(i + 1) * w + j]!, L[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && A[i] === B[j]) { ops.push('='); i++; j++; }
      else if (j >= m || (i < n && L[(i + 1) * w + j]! >= L[i * w + j + 1]!)) { ops.push('-'); i++; }
      else { ops.push('+'); j++; }
    }
  }
  for (let i = 0; i < suf; i++) ops.push('=');
  return compress(reorder(ops));
}

/** Within each stretch of changes, removals first. */
function reorder(ops: ('=' | '-' | '+')[]): ('=' | '-' | '+')[] {
  const out: ('=' | '-' | '+')[] = [];
  let minus = 0;
  let plus = 0;
  const flush = (): void => {
    for (; minus > 0; minus--) out.push('-');
    for (; plus > 0; plus--) out.push('+');
  };
  for (const o of ops) {
    if (o === '-') minus++;
    else if (o === '+') plus++;
    else { flush(); out.push('='); }
  }
  flush();
  return out;
}

function compress(ops: ('=' | '-' | '+')[]): DiffOp[] {
  const out: DiffOp[] = [];
  for (const o of ops) {
    const last = out[out.length - 1];
    if (last && last[0] === o) last[1]++;
    else out.push([o, 1]);
  }
  return out;
}

/** Expands ops back into lines: [' ' | '-' | '+', text]. */
export function applyDiff(a: readonly string[], b: readonly string[], ops: readonly DiffOp[]): [' ' | '-' | '+', string][] {
  const out: [' ' | '-' | '+', string][] = [];
  let i = 0;
  let j = 0;
  for (const [op, count] of ops) {
    for (let k = 0; k < count; k++) {
      if (op === '=') { out.push([' ', b[j]!]); i++; j++; }
      else if (op === '-') out.push(['-', a[i++]!]);
      else out.push(['+', b[j++]!]);
    }
  }
  return out;
}

/** Lines of a code text (a trailing newline adds no empty line). */
export function splitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
