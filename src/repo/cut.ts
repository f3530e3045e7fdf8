/**
 * Shortens a Python file to at most max characters by removing whole pieces from the end: first
 * top-level code outside classes, then methods of the other classes (last class first, a class going
 * once it is empty), the target class's own methods last. What is left over the limit after that
 * is cut from the end of the text. Lines in `keep` (0-based, inclusive) are never removed.
 */
export function cutFile(text: string, max: number, targetClass: string, keep?: [number, number]): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  type Piece = { start: number; end: number; kind: 'tail' | 'method' | 'class'; cls?: string };
  const tops: { start: number; end: number; cls?: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.trim() || /^[\s#)\]}]/.test(l)) continue;
    const cls = /^class\s+(\w+)/.exec(l)?.[1];
    if (tops.length) tops[tops.length - 1]!.end = i;
    tops.push({ start: i, end: lines.length, ...(cls ? { cls } : {}) });
  }
  // Decorator lines belong to the block they decorate.
  for (let k = tops.length - 2; k >= 0; k--) {
    if (lines[tops[k]!.start]!.startsWith('@')) { tops[k]!.end = tops[k + 1]!.end; tops[k + 1]!.start = tops[k]!.start; tops.splice(k, 1); }
  }
  const removed = new Set<number>();
  const order: Piece[] = [];
  const firstClass = tops.findIndex((t) => t.cls);
  for (let k = tops.length - 1; k > firstClass && firstClass >= 0; k--) if (!tops[k]!.cls) order.push({ ...tops[k]!, kind: 'tail' });
  const classes = tops.filter((t) => t.cls);
  const methodsOf = (c: { start: number; end: number }): Piece[] => {
    const ms: Piece[] = [];
    for (let i = c.start + 1; i < c.end; i++) {
      if (/^ {4}(async\s+def|def)\s/.test(lines[i]!)) {
        let s = i;
        while (s - 1 > c.start && /^ {4}@/.test(lines[s - 1]!)) s--;
        let e = i + 1;
        while (e < c.end && !/^ {4}(async\s+def\s|def\s|@)/.test(lines[e]!)) e++;
        ms.push({ start: s, end: e, kind: 'method' });
        i = e - 1;
      }
    }
    return ms.reverse();
  };
  for (const c of [...classes].reverse().filter((c) => c.cls !== targetClass)) {
    order.push(...methodsOf(c));
    order.push({ ...c, kind: 'class' });
  }
  for (const c of classes.filter((c) => c.cls === targetClass)) order.push(...methodsOf(c));
  let len = text.length;
  for (const p of order) {
    if (len <= max) break;
    // The target method (repair: the method with the bug) is never cut.
    if (keep && p.start <= keep[1] && p.end > keep[0]) continue;
    for (let i = p.start; i < p.end; i++) if (!removed.has(i)) { removed.add(i); len -= lines[i]!.length + 1; }
  }
  const out = lines.filter((_, i) => !removed.has(i)).join('\n');
  if (out.length <= max) return out;
  // Over the limit after every piece went: cut the text's end unless that would reach the kept method.
  const keptEnd = keep ? lines.slice(0, keep[1] + 1).filter((_, i) => !removed.has(i)).join('\n').length : 0;
  return out.slice(0, Math.max(max, keptEnd));
}
