import { SETTING_NAMES } from '../episode/settings.js';
import { esc, f1, turnCell } from '../compare/format.js';
import type { BootstrapOptions } from '../metrics/stats.js';
import { legendHtml, legendNames, lineChartSvg, PALETTE, shortModel, type Series } from './chart.js';
import type { RunEntry } from './entry.js';
import { allTables, cellTitle, tableLatex, tableMarkdown, type PaperTable } from './table.js';
import { convRun } from './task-data.js';

/** Where links point: real URLs under the server, #-routes inside a static snapshot. */
export interface Links {
  runs(): string;
  table(): string;
  curves(): string;
  run(id: string): string;
  task(run: string, task: string, vs?: string): string;
  pair(a?: string, b?: string): string;
}

export interface PageCtx {
  static: boolean;
  boot: BootstrapOptions;
  links: Links;
}

const q = encodeURIComponent;
export const serverLinks: Links = {
  runs: () => '/', table: () => '/table', curves: () => '/curves', run: (id) => `/run?id=${q(id)}`,
  task: (run, task, vs) => `/task?run=${q(run)}&task=${q(task)}${vs ? `&vs=${q(vs)}` : ''}`,
  pair: (a, b) => (a && b ? `/pair?a=${q(a)}&b=${q(b)}` : '/pair'),
};
export const staticLinks: Links = {
  runs: () => '#/runs', table: () => '#/table', curves: () => '#/curves', run: (id) => `#/run/${q(id)}`,
  task: (run, task, vs) => `#/task/${q(run)}/${q(task)}${vs ? `/${q(vs)}` : ''}`,
  pair: (a, b) => (a && b ? `#/pair/${q(a)}/${q(b)}` : '#/pair'),
};

const num = (x: number | undefined): string => (x === undefined ? '<td class="na" data-v="-1">-</td>' : `<td data-v="${x}">${f1(x)}</td>`);
const passText = (p: Record<string, number>): string => Object.entries(p).map(([k, v]) => `${k} ${f1(v)}`).join(', ');

/** The runs page: every run below the viewed directory, filterable and sortable, two to pick for a comparison. */
export function runsPage(entries: RunEntry[], ctx: PageCtx): string {
  const kinds = [...new Set(entries.map((e) => e.kind))].sort();
  const rows = entries.map((e) => {
    const data = e.synthetic === undefined ? '' : e.synthetic ? 'synthetic' : 'real';
    const search = [e.id, e.kind, e.model, e.setting, e.protocol, e.dataset, data, e.status].join(' ').toLowerCase();
    return `<tr data-id="${esc(e.id)}" data-kind="${e.kind}" data-status="${e.status}" data-search="${esc(search)}" class="status-${e.status}">`
      + `<td><input type="checkbox" class="pick" value="${esc(e.id)}" aria-label="pick ${esc(e.id)}"></td>`
      + `<td><a href="${esc(ctx.links.run(e.id))}">${esc(e.id)}</a></td><td>${e.kind}</td><td title="${esc(e.model)}">${esc(shortModel(e.model))}</td><td>${esc(e.setting)}</td>`
      + `<td class="small">${esc(e.protocol)}</td><td class="small">${esc(e.dataset)}</td><td>${data}</td>`
      + `<td class="status"><span class="st st-${e.status}">${e.status}</span> ${esc(e.statusText.replace(/^(running|finished|stopped)(: )?/, ''))}${e.warnings.map((w) => `<div class="warn-line">${esc(w)}</div>`).join('')}</td>`
      + `${num(e.mrr)}${num(e.recall)}<td data-v="${Object.values(e.passAtK)[0] ?? -1}">${esc(passText(e.passAtK))}</td><td data-v="${e.done}">${e.done}${e.total !== undefined ? ` / ${e.total}` : ''}</td></tr>`;
  }).join('\n');
  const th = (label: string, type = 'text'): string => `<th data-sort="${type}">${label}</th>`;
  return `<section class="page" data-route="runs"><h2>Runs</h2>
<div class="controls"><input id="filter" type="search" placeholder="filter: model, setting, protocol, id..." size="40">
<select id="kind-filter"><option value="">every kind</option>${kinds.map((k) => `<option value="${k}">${k}</option>`).join('')}</select>
<select id="status-filter"><option value="">every status</option>${['running', 'finished', 'stopped', 'unreadable'].map((s) => `<option>${s}</option>`).join('')}</select>
<button type="button" id="compare-btn" disabled>Compare the two picked runs</button> <span id="pick-note" class="note">Pick two runs to compare them (paired tests, tasks side by side).</span></div>
<p class="note"><span id="shown-count">${entries.length}</span> of ${entries.length} runs. MRR, recall and pass@k x100 over completed tasks.</p>
<table class="data sortable" id="runs-table"><thead><tr><th></th>${th('run')}${th('kind')}${th('model')}${th('setting / task')}${th('protocol')}${th('dataset')}${th('data')}${th('status')}${th('MRR', 'num')}${th('recall', 'num')}${th('pass@k', 'num')}${th('tasks', 'num')}</tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

function paperTableHtml(t: PaperTable): string {
  const head = `<tr><th>model</th>${t.cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr><th scope="row" class="row-name">${esc(r.name)}</th>${r.cells.map((c) => {
    if (!c.main && !c.side) return '<td class="na">-</td>';
    const attrs = `${c.main ? ` data-run="${esc(c.main.run)}" data-value="${c.main.value.estimate}"` : ''}${c.side ? ` data-side-run="${esc(c.side.run)}" data-side-value="${c.side.value.estimate}"` : ''}`;
    const main = c.main ? `<span class="main">${f1(c.main.value.estimate)}</span>` : '<span class="na">-</span>';
    return `<td${attrs} title="${esc(cellTitle(c))}">${main}${c.side ? ` <span class="side">(${f1(c.side.value.estimate)})</span>` : ''}</td>`;
  }).join('')}</tr>`).join('\n');
  return `<div class="paper-table" id="block-${t.id}"><h3>${esc(t.title)}</h3><p class="note">${esc(t.note)}</p>
<div class="copy-row"><button type="button" data-copy="md-${t.id}">Copy as Markdown</button> <button type="button" data-copy="tex-${t.id}">Copy as LaTeX</button> <span class="copied note"></span></div>
<textarea class="copy-src" id="md-${t.id}" readonly>${esc(tableMarkdown(t))}</textarea><textarea class="copy-src" id="tex-${t.id}" readonly>${esc(tableLatex(t))}</textarea>
<table class="data paper" id="${t.id}"><thead>${head}</thead><tbody>
${body}
</tbody></table></div>`;
}

/** The papers' tables: ConvCodeWorld models x settings, code reasoning pass@k, repository benchmarks. */
export function tablePage(entries: RunEntry[], ctx: PageCtx, pendingOk = false): string {
  const tables = allTables(entries, ctx.boot, pendingOk);
  return `<section class="page" data-route="table"><h2>Results tables</h2>
<p class="note">Laid out as the papers lay out their results; a cell reads the run named on hover (bootstrap: ${ctx.boot.resamples ?? 2000} resamples, seed ${ctx.boot.seed ?? 1}). Runs still being written count with the tasks they have.</p>
${tables.length ? tables.map(paperTableHtml).join('\n') : '<p class="note">No run with completed tasks yet.</p>'}</section>`;
}

/** pass@1 (and recall) by turn, one chart per setting in the paper's order, legends that tell runs apart. */
export function curvesPage(entries: RunEntry[]): string {
  const conv = entries.filter((e) => convRun(e));
  const names = legendNames(conv.map((e) => ({ id: e.id, model: e.model, setting: e.setting, protocol: e.protocol, mode: convRun(e)!.mode })));
  const nameOf = new Map(conv.map((e, i) => [e.id, names[i]!]));
  const models = [...new Set(conv.map((e) => e.model))];
  const settings = [...SETTING_NAMES, ...new Set(conv.map((e) => e.setting))].filter((s, i, a) => a.indexOf(s) === i && conv.some((e) => e.setting === s));
  const maxTurns = Math.max(0, ...conv.map((e) => convRun(e)!.maxTurns));
  const blocks = settings.map((setting) => {
    const runs = conv.filter((e) => e.setting === setting && convRun(e)!.passAt1ByTurn.length);
    const series = (pick: 'passAt1ByTurn' | 'recallByTurn'): Series[] => runs.map((e) => ({
      name: nameOf.get(e.id)!, color: PALETTE[models.indexOf(e.model) % PALETTE.length]!, dashed: convRun(e)!.mode === 'static', values: convRun(e)![pick],
    }));
    const s = series('passAt1ByTurn');
    return `<div class="setting-block" data-setting="${esc(setting)}"><h3>${esc(setting)}</h3><div class="charts">${lineChartSvg(`pass@1 by turn: ${setting}`, 'pass_at_1', setting, s, maxTurns)}${lineChartSvg(`recall by turn: ${setting}`, 'recall', setting, series('recallByTurn'), maxTurns)}</div>${legendHtml(s)}</div>`;
  }).join('\n');
  const turns = Array.from({ length: maxTurns + 1 }, (_, t) => t);
  const byTurn = conv.map((e) => `<tr data-run="${esc(e.id)}"><td>${esc(nameOf.get(e.id)!)}</td><td>${esc(e.setting)}</td><td>${convRun(e)!.mode}</td>${turns.map((t) => `<td>${turnCell(convRun(e)!.passAt1ByTurn, t)}</td>`).join('')}</tr>`).join('\n');
  const table = conv.length ? `<h3>pass@1 by turn (x100)</h3><table class="data" id="pass-table"><thead><tr><th>run</th><th>setting</th><th>mode</th>${turns.map((t) => `<th>${t}</th>`).join('')}</tr></thead><tbody>\n${byTurn}\n</tbody></table>` : '';
  return `<section class="page" data-route="curves"><h2>Per-turn curves</h2>
<p class="note">Solid: live runs; dashed: static replays. Colour: model. pass@1 at turn t: share of tasks whose code at turn t passes; recall: solved at or before t.</p>
${blocks || '<p class="note">No run-world or run-bench run with completed tasks yet.</p>'}${table}</section>`;
}
