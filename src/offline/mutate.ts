import { draw } from './rng.js';

export type DefectKind = 'syntax' | 'cmp' | 'arith' | 'num' | 'ret' | 'drop';

export interface Defect {
  line: number;
  kind: DefectKind;
  text: string;
}

const CMP: [RegExp, string][] = [[/ <= /, ' < '], [/ >= /, ' > '], [/ == /, ' != '], [/ != /, ' == '], [/ < /, ' <= '], [/ > /, ' >= ']];
const ARITH: [RegExp, string][] = [[/ \+ /, ' - '], [/ - /, ' + '], [/ \* /, ' + '], [/ \/ /, ' * ']];

const isCode = (l: string): boolean => {
  const t = l.trim();
  return t !== '' && !t.startsWith('#') && !t.startsWith('"""') && !t.startsWith("'''") && !t.startsWith('def ') && !t.startsWith('class ') && !t.startsWith('@');
};

/** Every way one canonical line can be broken, in a fixed order. */
export function candidateDefects(line: string, index: number): Defect[] {
  if (!isCode(line)) return [];
  const out: Defect[] = [];
  const t = line.trimEnd();
  for (const [re, to] of CMP) if (re.test(t)) { out.push({ line: index, kind: 'cmp', text: t.replace(re, to) }); break; }
  for (const [re, to] of ARITH) if (re.test(t)) { out.push({ line: index, kind: 'arith', text: t.replace(re, to) }); break; }
  const num = /([^\w.'"])(\d+)(?![\w.])/.exec(t);
  if (num) out.push({ line: index, kind: 'num', text: t.slice(0, num.index) + num[1] + String(Number(num[2]) + 1) + t.slice(num.index + num[0].length) });
  if (/^\s*return\s+\S/.test(t) && !/return None\s*$/.test(t)) out.push({ line: index, kind: 'ret', text: t.replace(/return\s+.*$/, 'return None') });
  if (!t.endsWith(':') && !t.endsWith(',') && !t.endsWith('(') && !t.endsWith('[') && !t.endsWith('{') && !/^\s*(return|raise|elif|else|except|finally)\b/.test(t) && !/[([{,\\]\s*$/.test(t)) {
    out.push({ line: index, kind: 'drop', text: t.replace(/\S.*$/, 'pass') });
  }
  if (t.endsWith(':') && !/^\s*(else|try|finally)\s*:$/.test(t)) out.push({ line: index, kind: 'syntax', text: t.slice(0, -1) });
  return out;
}

/** Picks `count` semantic defects (and maybe one syntax defect) on distinct lines, deterministically. */
export function pickDefects(lines: string[], count: number, withSyntax: boolean, key: string): Defect[] {
  const all = lines.flatMap((l, i) => candidateDefects(l, i));
  const semantic = all.filter((d) => d.kind !== 'syntax');
  const chosen: Defect[] = [];
  const used = new Set<number>();
  for (let k = 0; k < count && semantic.length; k++) {
    const free = semantic.filter((d) => !used.has(d.line));
    if (!free.length) break;
    const d = free[Math.floor(draw(key, 'sem', k) * free.length)]!;
    chosen.push(d);
    used.add(d.line);
  }
  if (withSyntax) {
    const syn = all.filter((d) => d.kind === 'syntax' && !used.has(d.line));
    if (syn.length) chosen.push(syn[Math.floor(draw(key, 'syn') * syn.length)]!);
  }
  return chosen;
}

/** Body lines of a full code version: what follows the `def task_func` line (and its docstring). */
export function bodyOf(code: string, entry = 'task_func'): { before: string[]; body: string[] } {
  // The offline coder's closing revision comment is not part of the body.
  const lines = code.replace(/\n# revision \d+\s*$/, '').replace(/\s+$/, '').split('\n');
  const at = lines.findIndex((l) => l.startsWith(`def ${entry}`));
  if (at < 0) return { before: [], body: lines };
  let start = at + 1;
  const first = lines[start]?.trim() ?? '';
  if (first.startsWith('"""') || first.startsWith("'''")) {
    const q = first.slice(0, 3);
    if (first.length >= 6 && first.endsWith(q)) start += 1;
    else {
      start += 1;
      while (start < lines.length && !lines[start]!.includes(q)) start++;
      start += 1;
    }
  }
  return { before: lines.slice(0, start), body: lines.slice(start) };
}
