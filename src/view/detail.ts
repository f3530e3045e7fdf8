import { compareRuns, runName } from '../compare/compare.js';
import { esc, f1, intervalText, pval, signed } from '../compare/format.js';
import { compareRepoRuns } from '../compare/repo.js';
import { pairedBootstrapCI, pairedPermutationTest } from '../metrics/stats.js';
import { passAtK } from '../metrics/pass-at-k.js';
import { shortModel } from './chart.js';
import type { RunEntry } from './entry.js';
import type { PageCtx } from './pages.js';
import { convRun, taskJson, type TaskJson } from './task-data.js';

/** Safe inside <script type="application/json">. */
export const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

function facts(e: RunEntry): string {
  const rows: [string, string][] = [['kind', e.kind], ['model', e.model], ['setting / task', e.setting], ['protocol', e.protocol], ['dataset', e.dataset],
    ['data', e.synthetic === undefined ? '' : e.synthetic ? 'synthetic (offline models: says nothing about any real LLM)' : 'real'], ['directory', e.dir]];
  return `<dl class="facts">${rows.filter(([, v]) => v).map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

/** One run: what it is, where it stands, and its tasks (linked to their conversations). */
export function runPage(e: RunEntry, ctx: PageCtx): string {
  const head = `<h2>Run <code>${esc(e.id)}</code></h2>
<p class="run-status"><span class="st st-${e.status}">${e.status}</span> <span class="status-text">${esc(e.statusText)}</span></p>${e.warnings.map((w) => `<p class="warn">${esc(w)}</p>`).join('')}
${facts(e)}
<p>${e.mrr !== undefined ? `MRR <b class="mrr">${f1(e.mrr)}</b> · recall <b class="recall">${f1(e.recall!)}</b> · ` : ''}${Object.entries(e.passAtK).map(([k, v]) => `${k} <b>${f1(v)}</b>`).join(' · ')}</p>`;
  let body = '';
  const conv = convRun(e);
  if (conv) {
    body = `<table class="data sortable tasks"><thead><tr><th data-sort="text">task</th><th data-sort="num">solved at</th><th data-sort="num">RR</th><th data-sort="num">turns</th><th>episode error</th></tr></thead><tbody>
${conv.tasks.map((t) => `<tr data-task="${esc(t.task_id)}"><td><a href="${esc(ctx.links.task(e.id, t.task_id))}">${esc(t.task_id)}</a></td><td data-v="${t.stop ?? 99}">${t.stop ?? '-'}</td><td data-v="${t.rr}">${t.rr.toFixed(3)}</td><td data-v="${t.nTurns}">${t.nTurns}</td><td class="err">${esc(t.error ?? '')}</td></tr>`).join('\n')}
</tbody></table>`;
  } else if (e.run?.kind === 'reasoning') {
    body = `<table class="data sortable"><thead><tr><th data-sort="text">item</th><th data-sort="num">passed samples</th><th>verdicts</th></tr></thead><tbody>${e.run.run.items.map((i) => `<tr><td>${esc(i.id)}</td><td data-v="${i.scored.filter(Boolean).length}">${i.scored.filter(Boolean).length} / ${i.scored.length}</td><td class="mono">${i.scored.map((b) => (b ? '✓' : '✗')).join('')}</td></tr>`).join('')}</tbody></table>`;
  } else if (e.run?.kind === 'repo') {
    body = `<table class="data sortable"><thead><tr><th data-sort="text">item</th><th data-sort="num">passed at turn</th><th data-sort="num">tests passing</th><th data-sort="num">chrF</th></tr></thead><tbody>${e.run.run.items.map((i) => `<tr><td>${esc(i.dp_id)}</td><td data-v="${i.passedAt ?? 99}">${i.passedAt ?? '-'}</td><td data-v="${i.pct}">${f1(i.pct)}</td><td data-v="${i.chrf}">${i.chrf.toFixed(1)}</td></tr>`).join('')}</tbody></table>`;
  } else if (e.run?.kind === 'eval') {
    body = `<table class="data sortable"><thead><tr><th data-sort="text">task</th><th>samples</th></tr></thead><tbody>${e.run.run.tasks.map((t) => `<tr><td>${esc(t.id)}</td><td>${esc(t.statuses.join(' '))}</td></tr>`).join('')}</tbody></table>`;
  }
  return `<section class="page run-page" data-route="run" data-id="${esc(e.id)}">${head}${body}</section>`;
}

/** Display name of a conversation run: model, setting, mode. */
const convName = (e: RunEntry): string => `${shortModel(e.model)} ${e.setting} ${e.kind === 'bench' ? 'static' : 'live'}`;

/** The task JSON of a conversation run, or undefined when it has no such task. */
export function taskOf(e: RunEntry | undefined, task: string): TaskJson | undefined {
  const r = convRun(e);
  const t = r?.tasks.find((x) => x.task_id === task);
  return t && e ? taskJson(e, convName(e), t) : undefined;
}

/** A task's conversation, alone or side by side with the same task in another run. */
export function taskPage(entries: RunEntry[], runId: string, task: string, vs: string | undefined, ctx: PageCtx): string {
  const e = entries.find((x) => x.id === runId);
  let a: TaskJson | undefined;
  let b: TaskJson | undefined;
  try {
    a = taskOf(e, task);
    b = a && vs ? taskOf(entries.find((x) => x.id === vs), task) : undefined;
  } catch (err) {
    // A record is checked against its full schema when shown: a bad one is named (file:line), the page still served.
    return `<section class="page"><h2>Task ${esc(task)}</h2><p class="warn bad-record">${esc((err as Error).message)}</p></section>`;
  }
  if (!e || !a) return `<section class="page"><h2>Task ${esc(task)}</h2><p class="warn">Run ${esc(runId)} has no task ${esc(task)} (yet).</p></section>`;
  // Candidates by kind only: reading every run's records to check for the task would make this page slow.
  const others = entries.filter((x) => x.id !== runId && (x.kind === 'world' || x.kind === 'bench') && (x.lazy || convRun(x)?.tasks.some((t) => t.task_id === task)));
  const tasks = convRun(e)!.tasks;
  const k = tasks.findIndex((t) => t.task_id === task);
  const nav = [k > 0 ? `<a class="prev-task" href="${esc(ctx.links.task(runId, tasks[k - 1]!.task_id, vs))}">&larr; ${esc(tasks[k - 1]!.task_id)}</a>` : '',
    k < tasks.length - 1 ? `<a class="next-task" href="${esc(ctx.links.task(runId, tasks[k + 1]!.task_id, vs))}">${esc(tasks[k + 1]!.task_id)} &rarr;</a>` : ''].join(' ');
  const side = `<form class="vs-form" method="get" action="/task"><input type="hidden" name="run" value="${esc(runId)}"><input type="hidden" name="task" value="${esc(task)}">
<label>Side by side with <select name="vs" id="vs-select"><option value="">(none)</option>${others.map((o) => `<option value="${esc(o.id)}"${o.id === vs ? ' selected' : ''}>${esc(convName(o))} · ${esc(o.id)}</option>`).join('')}</select></label> <button type="submit">Show</button></form>`;
  return `<section class="page task-page" data-route="task"><h2>Task <code>${esc(task)}</code> in <a href="${esc(ctx.links.run(runId))}">${esc(runId)}</a></h2>
<p class="run-status"><span class="st st-${e.status}">${e.status}</span> <span class="status-text">${esc(e.statusText)}</span></p>
<p class="task-nav">${nav}</p>${side}
${vs && !b ? `<p class="warn">Run ${esc(vs)} has no task ${esc(task)}.</p>` : ''}
<script type="application/json" id="task-data">${scriptJson({ a, ...(b ? { b } : {}) })}</script>
<div id="task-view"><p class="note">The conversation view needs JavaScript.</p></div></section>`;
}

/** Paired tests between two runs over the same tasks, and the tasks on which they differ. */
export function pairResultHtml(a: RunEntry, b: RunEntry, ctx: PageCtx): string {
  const ra = convRun(a);
  const rb = convRun(b);
  const head = `<h3>A = <code>${esc(a.id)}</code>, B = <code>${esc(b.id)}</code></h3>`;
  if (ra && rb) {
    const c = compareRuns([ra, rb], { resamples: ctx.boot.resamples, seed: ctx.boot.seed });
    const p = c.paired[0];
    const refused = c.refused[0];
    const test = p ? `<table class="data pair-table"><thead><tr><th>tasks</th><th>ΔMRR (A - B) [95% CI]</th><th>p</th><th>Δrecall [95% CI]</th><th>p</th></tr></thead><tbody><tr><td>${p.n}</td><td class="d-mrr">${intervalText(p.mrrDiff, signed)}</td><td>${pval(p.mrrP)}</td><td>${intervalText(p.recallDiff, signed)}</td><td>${pval(p.recallP)}</td></tr></tbody></table>`
      : refused ? `<p class="warn">No paired test: tasks errored on one side (${refused.errored.a.length} / ${refused.errored.b.length}); rerun to retry them.</p>`
        : '<p class="warn">No paired test: the two runs do not cover the same tasks.</p>';
    const bt = new Map(rb.tasks.map((t) => [t.task_id, t]));
    const diff = ra.tasks.filter((t) => bt.has(t.task_id) && bt.get(t.task_id)!.stop !== t.stop);
    return `${head}<p class="note">${esc(runName(ra))} vs ${esc(runName(rb))}. Paired bootstrap CI and two-sided sign-flip permutation p over per-task reciprocal ranks and solved flags.</p>${test}
<h4>Tasks where they differ (${diff.length})</h4><table class="data"><thead><tr><th>task</th><th>A solved at</th><th>B solved at</th><th></th></tr></thead><tbody>${diff.map((t) => `<tr><td>${esc(t.task_id)}</td><td>${t.stop ?? '-'}</td><td>${bt.get(t.task_id)!.stop ?? '-'}</td><td><a href="${esc(ctx.links.task(a.id, t.task_id, b.id))}">side by side</a></td></tr>`).join('')}</tbody></table>`;
  }
  if (a.run?.kind === 'repo' && b.run?.kind === 'repo') {
    const c = compareRepoRuns([a.run.run, b.run.run], { resamples: ctx.boot.resamples ?? 2000, seed: ctx.boot.seed ?? 1 });
    const p = c.paired[0];
    return head + (p ? `<table class="data pair-table"><thead><tr><th>items</th><th>Δpass rate [95% CI]</th><th>p</th><th>ΔchrF [95% CI]</th><th>p</th></tr></thead><tbody><tr><td>${p.n}</td><td>${intervalText(p.passDiff, signed)}</td><td>${pval(p.passP)}</td><td>${intervalText(p.chrfDiff, signed)}</td><td>${pval(p.chrfP)}</td></tr></tbody></table>` : '<p class="warn">No paired test: not the same benchmark and items.</p>');
  }
  if (a.run?.kind === 'reasoning' && b.run?.kind === 'reasoning') {
    const bi = new Map(b.run.run.items.map((i) => [i.id, i]));
    const ia = a.run.run.items;
    if (a.setting !== b.setting || ia.length !== bi.size || !ia.every((i) => bi.has(i.id))) return `${head}<p class="warn">No paired test: not the same task and items.</p>`;
    const p1 = (s: boolean[]): number => passAtK(s.length, s.filter(Boolean).length, 1);
    const xa = ia.map((i) => p1(i.scored));
    const xb = ia.map((i) => p1(bi.get(i.id)!.scored));
    return `${head}<table class="data pair-table"><thead><tr><th>items</th><th>Δpass@1 [95% CI]</th><th>p</th></tr></thead><tbody><tr><td>${xa.length}</td><td>${intervalText(pairedBootstrapCI(xa, xb, ctx.boot), signed)}</td><td>${pval(pairedPermutationTest(xa, xb, { seed: ctx.boot.seed ?? 1 }).p)}</td></tr></tbody></table>`;
  }
  return `${head}<p class="warn">No paired test between a ${a.kind} run and a ${b.kind} run.</p>`;
}

/** The pair page: two runs chosen, then their paired tests (never a wall of every pair). */
export function pairPage(entries: RunEntry[], aId: string | undefined, bId: string | undefined, ctx: PageCtx, staticPairs?: [RunEntry, RunEntry][]): string {
  const opts = (sel?: string): string => `<option value="">(choose a run)</option>${entries.filter((e) => e.kind !== 'unknown').map((e) => `<option value="${esc(e.id)}"${e.id === sel ? ' selected' : ''}>${esc(e.id)} · ${e.kind} · ${esc(shortModel(e.model))} ${esc(e.setting)}</option>`).join('')}`;
  const form = `<form class="pair-form" method="get" action="/pair"><label>A <select name="a" id="pair-a">${opts(aId)}</select></label> <label>B <select name="b" id="pair-b">${opts(bId)}</select></label> <button type="submit">Compare</button></form>`;
  const a = entries.find((e) => e.id === aId);
  const b = entries.find((e) => e.id === bId);
  let result = '';
  if (staticPairs) {
    result = staticPairs.map(([x, y]) => `<div class="pair-result" data-a="${esc(x.id)}" data-b="${esc(y.id)}" hidden>${pairResultHtml(x, y, ctx)}</div>`).join('\n') + '<p class="note pair-none" hidden>No paired test for these two runs in this snapshot (they do not cover the same tasks).</p>';
  } else if (a && b) result = `<div class="pair-result">${pairResultHtml(a, b, ctx)}</div>`;
  else if (aId || bId) result = '<p class="warn">Choose two runs that exist.</p>';
  return `<section class="page" data-route="pair"><h2>Compare two runs</h2>${form}${result}</section>`;
}
