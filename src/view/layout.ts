import { esc } from '../compare/format.js';
import type { BootstrapOptions } from '../metrics/stats.js';
import { CSS, JS } from './assets.js';
import { pairPage, runPage, scriptJson, taskOf } from './detail.js';
import type { RunEntry } from './entry.js';
import { curvesPage, runsPage, staticLinks, tablePage, type Links, type PageCtx } from './pages.js';
import { convRun, type TaskJson } from './task-data.js';

const NAV: [string, keyof Links][] = [['Runs', 'runs'], ['Table', 'table'], ['Curves', 'curves'], ['Compare two runs', 'pair']];

/** The page around one or more sections; the server swaps `main` in place when runs change. */
export function pageHtml(o: { title: string; main: string; mode: 'server' | 'static'; links: Links; current?: string; synthetic: boolean }): string {
  const nav = NAV.map(([label, k]) => {
    const href = (o.links[k] as () => string)();
    return `<a href="${esc(href)}"${k === o.current ? ' class="current"' : ''}>${label}</a>`;
  }).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title><style>${CSS}</style></head>
<body data-mode="${o.mode}">
<header><h1>${esc(o.title)}</h1><nav>${nav}</nav><span id="live-status">${o.mode === 'static' ? 'static snapshot' : 'connecting...'}</span></header>
${o.synthetic ? '<p class="warn" style="margin:8px 24px">Some runs used offline synthetic models: their numbers say nothing about any real LLM.</p>' : ''}
<main id="main">
${o.main}
</main>
<script>${JS}</script>
</body></html>
`;
}

function sameItems(a: string[], b: string[]): boolean {
  if (!a.length || a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** Item ids of a run, for pairing: only runs over the same ids (and kind family) have a paired test. */
function pairKey(e: RunEntry): { family: string; ids: string[] } | undefined {
  const c = convRun(e);
  if (c) return { family: 'conv', ids: c.tasks.map((t) => t.task_id) };
  if (e.run?.kind === 'repo') return { family: `repo:${e.setting}`, ids: e.run.run.items.map((i) => i.dp_id) };
  if (e.run?.kind === 'reasoning') return { family: `reasoning:${e.setting}`, ids: e.run.run.items.map((i) => i.id) };
  return undefined;
}

export interface SnapshotOptions {
  title: string;
  /** Most tasks per run whose conversations the snapshot carries. */
  maxTasks: number;
  maxPairs: number;
  boot: BootstrapOptions;
  /** Lines saying which runs were made under other protocols (compare-runs' check), shown above every page. */
  protocolWarning?: string[];
}

/** Every page in one self-contained file: the same renderers as the server, #-routes for links. */
export function snapshotHtml(entries: RunEntry[], o: SnapshotOptions): string {
  const ctx: PageCtx = { static: true, boot: o.boot, links: staticLinks };
  const pairs: [RunEntry, RunEntry][] = [];
  for (let i = 0; i < entries.length && pairs.length < o.maxPairs; i++) {
    for (let j = i + 1; j < entries.length && pairs.length < o.maxPairs; j++) {
      const a = pairKey(entries[i]!);
      const b = pairKey(entries[j]!);
      if (a && b && a.family === b.family && sameItems(a.ids, b.ids)) pairs.push([entries[i]!, entries[j]!]);
    }
  }
  const tasks = entries.filter((e) => convRun(e)).map((e) => ({
    id: e.id,
    tasks: convRun(e)!.tasks.slice(0, o.maxTasks).map((t) => taskOf(e, t.task_id)).filter((t): t is TaskJson => !!t),
  }));
  const cut = entries.filter((e) => (convRun(e)?.tasks.length ?? 0) > o.maxTasks).length;
  const warn = o.protocolWarning?.length ? `<p class="warn" id="protocol-warning">${o.protocolWarning.map(esc).join('<br>')}</p>` : '';
  const main = [
    warn, runsPage(entries, ctx), tablePage(entries, ctx), curvesPage(entries), pairPage(entries, undefined, undefined, ctx, pairs),
    ...entries.map((e) => runPage(e, ctx)),
    `<section class="page task-page" data-route="task"><h2 id="static-task-title">Task</h2>${cut ? `<p class="note">This snapshot holds the first ${o.maxTasks} tasks of each run (${cut} run${cut > 1 ? 's have' : ' has'} more; compare-runs --max-tasks raises the limit).</p>` : ''}<div id="task-view"></div>
<script type="application/json" id="all-tasks">${scriptJson({ runs: tasks })}</script></section>`,
  ].join('\n');
  return pageHtml({ title: o.title, main, mode: 'static', links: staticLinks, synthetic: entries.some((e) => e.synthetic) });
}
