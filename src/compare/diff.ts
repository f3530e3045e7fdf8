import { diffArrays } from 'diff';

/** A run of lines: '=' kept, '-' only in the old text, '+' only in the new one. */
export type DiffOp = ['=' | '-' | '+', number];

/**
 * Line diff of two texts' lines (jsdiff's Myers diff over the line arrays), as runs of ops; within a
 * change, removals come before additions.
 */
export function lineDiff(a: readonly string[], b: readonly string[]): DiffOp[] {
  const out: DiffOp[] = [];
  for (const c of diffArrays([...a], [...b])) {
    const op = c.added ? '+' : c.removed ? '-' : '=';
    const last = out[out.length - 1];
    if (last && last[0] === op) last[1] += c.count ?? c.value.length;
    else out.push([op, c.count ?? c.value.length]);
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
