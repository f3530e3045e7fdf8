import { z } from 'zod';
import { parseOptions } from '../config/options.js';
import { lineDiff, splitLines, type DiffOp } from './diff.js';
import { esc, f1, turnCell } from './format.js';
import { repoHtml } from './repo.js';
import { protocolWarning, runName, type Comparison, type RunMetrics } from './compare.js';
import type { RunData } from './load.js';

export const HtmlOptionsSchema = z.object({
  /** Most tasks per run in the per-task view (the tables and charts always use all). */
  maxTasks: z.number().int().positive().default(300),
  title: z.string().default('codeconv-eval: live vs static comparison'),
});
export type HtmlOptions = z.input<typeof HtmlOptionsSchema>;

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];


interface Series {
  name: string;
  color: string;
  dashed: boolean;
  values: number[];
}

/** An inline SVG line chart of per-turn values in [0, 1], drawn as percentages. */
export function lineChartSvg(title: string, kind: string, setting: string, series: Series[], maxTurn: number): string {
  const W = 460;
  const H = 280;
  const ml = 46;
  const mr = 14;
  const mt = 30;
  const mb = 40;
  const x = (t: number): number => ml + (maxTurn ? t / maxTurn : 0) * (W - ml - mr);
  const y = (v: number): number => mt + (1 - v) * (H - mt - mb);
  const parts: string[] = [];
  parts.push(`<svg class="chart" data-kind="${esc(kind)}" data-setting="${esc(setting)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" class="chart-title">${esc(title)}</text>`);
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line class="grid" x1="${ml}" x2="${W - mr}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${ml - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v * 100}</text>`);
  }
  const step = maxTurn > 20 ? Math.ceil(maxTurn / 10) : 1;
  for (let t = 0; t <= maxTurn; t += step) parts.push(`<text class="tick" x="${x(t).toFixed(1)}" y="${H - mb + 16}" text-anchor="middle">${t}</text>`);
  parts.push(`<line class="axis" x1="${ml}" x2="${W - mr}" y1="${y(0)}" y2="${y(0)}"/><line class="axis" x1="${ml}" x2="${ml}" y1="${mt}" y2="${y(0)}"/>`);
  parts.push(`<text class="axis-label" x="${(ml + W - mr) / 2}" y="${H - 6}" text-anchor="middle">turn</text>`);
  parts.push(`<text class="axis-label" transform="translate(12 ${(mt + H - mb) / 2}) rotate(-90)" text-anchor="middle">%</text>`);
  for (const s of series) {
    const pts = s.values.map((v, t) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<g class="series" data-name="${esc(s.name)}"><title>${esc(s.name)}: ${s.values.map(f1).join(' ')}</title>`);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dashed ? 'stroke-dasharray="6 4" ' : ''}points="${pts}"/>`);
    for (let t = 0; t < s.values.length; t++) parts.push(`<circle cx="${x(t).toFixed(1)}" cy="${y(s.values[t]!).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}

function metricCell(m: RunMetrics | undefined, which: 'mrr' | 'recall'): string {
  if (!m) return '<td class="na">-</td>';
  const i = m[which];
  return `<td><b>${f1(i.estimate)}</b> <span class="ci">[${f1(i.lo)}, ${f1(i.hi)}]</span></td>`;
}

/** Compact per-task data for the viewer: strings interned, diffs precomputed as line-run ops. */
function viewerData(c: Comparison, maxTasks: number): unknown {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string | undefined): number | undefined => {
    if (s === undefined) return undefined;
    let i = index.get(s);
    if (i === undefined) { i = strings.length; strings.push(s); index.set(s, i); }
    return i;
  };
  const diffMemo = new Map<string, DiffOp[]>();
  const diff = (a: string, b: string): DiffOp[] => {
    const key = `${intern(a)}:${intern(b)}`;
    let d = diffMemo.get(key);
    if (!d) { d = lineDiff(splitLines(a), splitLines(b)); diffMemo.set(key, d); }
    return d;
  };
  const run = (r: RunData): unknown => ({
    name: runName(r),
    label: r.label,
    mode: r.mode,
    tasks: r.tasks.slice(0, maxTasks).map((t) => ({
      id: t.task_id, rr: t.rr, stop: t.stop, err: t.error,
      turns: t.turns.map((v) => ({
        t: v.turn, c: intern(v.code), st: v.status, tests: v.tests, cp: v.copied ? 1 : undefined, un: v.unchanged ? 1 : undefined,
        fb: v.feedback ? { c: intern(v.feedback.compilation), e: intern(v.feedback.execution), u: intern(v.feedback.user), r: v.feedback.replayed ? 1 : undefined } : undefined,
        in: v.input ? { l: v.input.label, c: intern(v.input.code), st: v.input.status, tests: v.input.tests } : undefined,
        d: diff(v.input?.code ?? '', v.code),
      })),
    })),
  });
  const runs = c.runs.map(run);
  return { s: strings, runs };
}

/** Safe inside <script type="application/json">. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** One self-contained HTML file: tables, charts (inline SVG), and a per-task turn viewer (inline JS). */
export function toHtml(c: Comparison, o: HtmlOptions = {}): string {
  const { maxTasks, title } = parseOptions(HtmlOptionsSchema, o);
  const models = [...new Set(c.runs.map((r) => r.model))];
  const color = (m: string): string => PALETTE[models.indexOf(m) % PALETTE.length]!;
  const rowsHtml = c.rows.map((r) => `<tr><td>${esc(r.model)}</td><td>${esc(r.setting)}</td>${metricCell(r.live, 'mrr')}${metricCell(r.static, 'mrr')}${metricCell(r.live, 'recall')}${metricCell(r.static, 'recall')}<td>${r.live?.n ?? '-'} / ${r.static?.n ?? '-'}</td><td>${esc(r.static?.run.referenceModel ?? '-')}</td></tr>`).join('\n');
  const turns = Array.from({ length: c.maxTurns + 1 }, (_, t) => t);
  const passRows = c.rows.flatMap((r) => [r.live, r.static].filter((m): m is RunMetrics => !!m).map((m) =>
    `<tr><td>${esc(r.model)}</td><td>${esc(r.setting)}</td><td>${m.run.mode}</td>${turns.map((t) => `<td>${turnCell(m.run.passAt1ByTurn, t)}</td>`).join('')}</tr>`)).join('\n');
  const rho = (x: Comparison['spearman']['mrr']): string => (x.rho === null ? `n/a (${x.n} pair${x.n === 1 ? '' : 's'})` : `${x.rho.toFixed(3)} over ${x.n} model x setting pairs`);
  const paired = c.paired.length
    ? `<table class="data" id="paired-table"><thead><tr><th>A</th><th>B</th><th>tasks</th><th>ΔMRR [95% CI]</th><th>p</th><th>Δrecall [95% CI]</th><th>p</th></tr></thead><tbody>${c.paired.map((p) =>
      `<tr><td>${esc(p.a)}</td><td>${esc(p.b)}</td><td>${p.n}</td><td>${f1(p.mrrDiff.estimate)} <span class="ci">[${f1(p.mrrDiff.lo)}, ${f1(p.mrrDiff.hi)}]</span></td><td>${p.mrrP.toFixed(3)}</td><td>${f1(p.recallDiff.estimate)} <span class="ci">[${f1(p.recallDiff.lo)}, ${f1(p.recallDiff.hi)}]</span></td><td>${p.recallP.toFixed(3)}</td></tr>`).join('')}</tbody></table>`
    : '<p class="note">No two runs cover the same tasks: no paired test.</p>';
  const charts = c.settings.map((setting) => {
    const runs = c.runs.filter((r) => r.setting === setting);
    const series = (pick: (r: RunData) => number[]): Series[] => runs.map((r) => ({ name: runName(r), color: color(r.model), dashed: r.mode === 'static', values: pick(r) }));
    const legend = runs.map((r) => `<li><svg width="28" height="10"><line x1="0" x2="28" y1="5" y2="5" stroke="${color(r.model)}" stroke-width="2"${r.mode === 'static' ? ' stroke-dasharray="6 4"' : ''}/></svg> ${esc(runName(r))}</li>`).join('');
    return `<div class="setting-charts" data-setting="${esc(setting)}"><h3>${esc(setting)}</h3><div class="charts">${lineChartSvg(`Recall by turn: ${setting}`, 'recall', setting, series((r) => r.recallByTurn), c.maxTurns)}${lineChartSvg(`pass@1 by turn: ${setting}`, 'pass_at_1', setting, series((r) => r.passAt1ByTurn), c.maxTurns)}</div><ul class="legend">${legend}</ul></div>`;
  }).join('\n');
  const cut = c.runs.filter((r) => r.tasks.length > maxTasks).length;
  const viewNote = cut ? `<p class="note">The viewer holds the first ${maxTasks} tasks of each run (${cut} run${cut > 1 ? 's have' : ' has'} more; compare-runs --max-tasks raises the limit).</p>\n` : '';
  const synthetic = c.runs.some((r) => r.synthetic) || c.repo?.runs.some((m) => m.run.synthetic) ? '<p class="warn">Some runs used offline synthetic models: their numbers say nothing about any real LLM.</p>' : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style></head>
<body>
<h1>${esc(title)}</h1>
${synthetic}${protocolWarning(c) ? `<p class="warn" id="protocol-warning">${esc(protocolWarning(c)!)}<br>${c.protocols.groups.map((g) => `${esc(g.comparability)}: ${g.runs.map(esc).join(', ')}`).join('<br>')}</p>` : ''}
<p class="note">Runs: ${c.runs.map((r) => `<code>${esc(r.label)}</code> (${r.mode}, protocol ${esc(r.comparability?.protocol ?? 'unknown')})`).join(', ')}. Values x100. Bootstrap 95% CIs over tasks (${c.options.resamples} resamples, seed ${c.options.seed}). Static runs are scored as ConvCodeBench (reference's turn i-1 passing scores 1/i).</p>
${c.repo ? repoHtml(c.repo) : ''}
<h2>MRR and recall</h2>
<table class="data" id="summary-table"><thead><tr><th>model</th><th>setting</th><th>live MRR</th><th>static MRR</th><th>live recall</th><th>static recall</th><th>tasks (live / static)</th><th>reference</th></tr></thead><tbody>
${rowsHtml}
</tbody></table>
<p id="spearman">Spearman rank correlation, live vs static: MRR ${esc(rho(c.spearman.mrr))}; recall ${esc(rho(c.spearman.recall))}.</p>
<h2>Paired differences</h2>
<p class="note">A - B over the same tasks: paired bootstrap 95% CI, two-sided sign-flip permutation test p-value.</p>
${paired}
<h2>pass@1 by turn</h2>
<table class="data" id="pass-table"><thead><tr><th>model</th><th>setting</th><th>mode</th>${turns.map((t) => `<th>${t}</th>`).join('')}</tr></thead><tbody>
${passRows}
</tbody></table>
<h2>Curves by setting</h2>
<p class="note">Solid: live; dashed: static. Recall by turn: share of tasks counted solved at or before the turn.</p>
${charts}
<h2>Per-task view</h2>
<div id="task-controls">
<label>Run <select id="run-select"></select></label>
<label>Task <select id="task-select"></select></label>
<button id="prev-turn" type="button">&larr; turn</button><button id="next-turn" type="button">turn &rarr;</button>
</div>
<div id="turn-strip"></div>
<div id="task-view"><p class="note">The per-task view needs JavaScript.</p></div>
${viewNote}<script type="application/json" id="report-data">${scriptJson(viewerData(c, maxTasks))}</script>
<script>${JS}</script>
</body></html>
`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2327;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}
table.data{border-collapse:collapse;margin:8px 0}table.data th,table.data td{border:1px solid #d0d4d8;padding:3px 8px;text-align:left;vertical-align:top}
table.data th{background:#f1f3f5}.ci{color:#6b7280;font-size:12px}.na{color:#9ca3af}.note{color:#555}.warn{background:#fff4d6;border:1px solid #f0c36d;padding:6px 10px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fff;border:1px solid #e5e7eb}.chart .grid{stroke:#eceff1}.chart .axis{stroke:#555}
.chart .tick{font-size:11px;fill:#555}.chart .axis-label{font-size:12px;fill:#333}.chart .chart-title{font-size:13px;font-weight:600;fill:#222}
.legend{list-style:none;padding:0;margin:4px 0 12px;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px}
#task-controls{display:flex;gap:12px;align-items:center;flex-wrap:wrap;margin-bottom:8px}select{max-width:520px}
#turn-strip{display:flex;gap:4px;flex-wrap:wrap;margin:6px 0}#turn-strip button{border:1px solid #999;border-radius:3px;padding:2px 8px;cursor:pointer;background:#fff}
#turn-strip button.pass{background:#d7f5dc}#turn-strip button.fail,#turn-strip button.timeout{background:#fbdada}#turn-strip button.current{outline:2px solid #1f77b4;font-weight:700}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600}.badge.pass{background:#1a7f37;color:#fff}.badge.fail,.badge.timeout{background:#cf222e;color:#fff}.badge.none{background:#ccc}
.panel{border:1px solid #d0d4d8;border-radius:4px;margin:8px 0;padding:6px 10px;background:#fcfcfd}.panel h4{margin:2px 0 6px;font-size:13px}
pre{white-space:pre-wrap;word-break:break-word;margin:2px 0;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;padding:6px;border-radius:3px;max-height:420px;overflow:auto}
.diff{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#fff;border:1px solid #e5e7eb;max-height:640px;overflow:auto}
.diff-line{white-space:pre-wrap;padding:0 6px}.diff-line.add{background:#e6ffec}.diff-line.del{background:#ffebe9}.diff-line .sign{display:inline-block;width:14px;color:#888}
.tests td.changed{font-weight:700}.tests td.pass{color:#1a7f37}.tests td.fail{color:#cf222e}
`;

// Plain ES5-style script (no template literals), reading the JSON block above and rendering with textContent only.
const JS = `
(function () {
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var S = D.s;
  var runSel = document.getElementById('run-select');
  var taskSel = document.getElementById('task-select');
  var strip = document.getElementById('turn-strip');
  var view = document.getElementById('task-view');
  var state = { run: 0, task: 0, turn: 0 };
  function str(i) { return i === undefined || i === null ? undefined : S[i]; }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function lines(s) { if (!s) return []; var l = s.replace(/\\r\\n/g, '\\n').split('\\n'); if (l[l.length - 1] === '') l.pop(); return l; }
  function badge(st) { return el('span', 'badge ' + (st || 'none'), st || 'n/a'); }
  function parseHash() {
    var h = location.hash.replace(/^#/, '').split('&');
    for (var i = 0; i < h.length; i++) {
      var kv = h[i].split('='); var k = kv[0]; var v = decodeURIComponent(kv.slice(1).join('='));
      if (k === 'run' && D.runs[+v]) state.run = +v;
      if (k === 'task') { var ts = D.runs[state.run] ? D.runs[state.run].tasks : []; for (var j = 0; j < ts.length; j++) if (ts[j].id === v) state.task = j; }
      if (k === 'turn') state.turn = +v || 0;
    }
  }
  function fillRuns() {
    runSel.innerHTML = '';
    D.runs.forEach(function (r, i) { var o = el('option', '', r.name + ' [' + r.label + ']'); o.value = String(i); runSel.appendChild(o); });
    runSel.value = String(state.run);
  }
  function fillTasks() {
    taskSel.innerHTML = '';
    var r = D.runs[state.run];
    if (!r) return;
    r.tasks.forEach(function (t, i) {
      var o = el('option', '', t.id + (t.stop === null || t.stop === undefined ? '  (unsolved)' : '  (solved at ' + t.stop + ')'));
      o.value = String(i); taskSel.appendChild(o);
    });
    if (state.task >= r.tasks.length) state.task = 0;
    taskSel.value = String(state.task);
  }
  function testsTable(before, after) {
    var names = {}; var k;
    for (k in (before || {})) names[k] = 1;
    for (k in (after || {})) names[k] = 1;
    var keys = Object.keys(names);
    if (!keys.length) return el('p', 'note', 'No per-test results recorded.');
    var t = el('table', 'data tests');
    var hr = el('tr'); hr.appendChild(el('th', '', 'test')); hr.appendChild(el('th', '', 'before')); hr.appendChild(el('th', '', 'after')); t.appendChild(hr);
    keys.forEach(function (n) {
      var b = before ? before[n] : undefined; var a = after ? after[n] : undefined;
      var tr = el('tr'); tr.appendChild(el('td', '', n));
      tr.appendChild(el('td', b || '', b || '-'));
      tr.appendChild(el('td', (a || '') + (b !== a ? ' changed' : ''), a || '-'));
      t.appendChild(tr);
    });
    return t;
  }
  function diffView(oldText, newText, ops) {
    var box = el('div', 'diff');
    var a = lines(oldText), b = lines(newText), i = 0, j = 0;
    ops.forEach(function (op) {
      for (var k = 0; k < op[1]; k++) {
        var line, cls, sign;
        if (op[0] === '=') { line = b[j]; i++; j++; cls = 'diff-line same'; sign = ' '; }
        else if (op[0] === '-') { line = a[i]; i++; cls = 'diff-line del'; sign = '-'; }
        else { line = b[j]; j++; cls = 'diff-line add'; sign = '+'; }
        var d = el('div', cls); d.appendChild(el('span', 'sign', sign)); d.appendChild(document.createTextNode(line === undefined ? '' : line)); box.appendChild(d);
      }
    });
    if (!ops.length) box.appendChild(el('div', 'diff-line same', '(empty)'));
    return box;
  }
  function render() {
    var r = D.runs[state.run];
    view.innerHTML = ''; strip.innerHTML = '';
    if (!r || !r.tasks.length) { view.appendChild(el('p', 'note', 'No tasks in this run.')); return; }
    var task = r.tasks[state.task];
    if (state.turn >= task.turns.length) state.turn = task.turns.length - 1;
    if (state.turn < 0) state.turn = 0;
    task.turns.forEach(function (tu, i) {
      var bt = el('button', (tu.st || 'none') + (i === state.turn ? ' current' : ''), String(tu.t));
      bt.type = 'button'; bt.title = 'turn ' + tu.t + ': ' + tu.st;
      bt.addEventListener('click', function () { state.turn = i; render(); });
      strip.appendChild(bt);
    });
    var tu = task.turns[state.turn];
    view.setAttribute('data-task', task.id); view.setAttribute('data-turn', String(tu ? tu.t : -1));
    var h = el('h3', '', task.id + ' - ' + r.name + ' - turn ' + (tu ? tu.t : '?') + ' '); if (tu) h.appendChild(badge(tu.st)); view.appendChild(h);
    var summary = el('p', 'note', (task.stop === null || task.stop === undefined ? 'Not solved' : 'Counted solved at turn ' + task.stop) + '; reciprocal rank ' + task.rr.toFixed(3) + (task.err ? '; episode error: ' + task.err : ''));
    view.appendChild(summary);
    if (!tu) return;
    var how = tu.t === 0 ? 'Initial generation from the task description.' : tu.cp ? 'Copied: the code it would revise (' + (tu.in ? tu.in.l : 'previous turn') + ') already passed; no model call.' : tu.un ? 'Unchanged: the user had nothing to say; no model call.' : 'Revision of ' + (tu.in ? tu.in.l : 'the previous turn') + '.';
    view.appendChild(el('p', 'how', how));
    var st = el('div', 'panel status'); st.appendChild(el('h4', '', 'Test status before and after'));
    var line = el('p'); line.appendChild(document.createTextNode('before (' + (tu.in ? tu.in.l : 'none') + '): ')); line.appendChild(badge(tu.in ? tu.in.st : undefined));
    line.appendChild(document.createTextNode('  after (turn ' + tu.t + '): ')); line.appendChild(badge(tu.st)); st.appendChild(line);
    st.appendChild(testsTable(tu.in ? tu.in.tests : undefined, tu.tests)); view.appendChild(st);
    var fb = el('div', 'panel feedback'); fb.appendChild(el('h4', '', 'Feedback that led to this turn'));
    if (tu.fb) {
      [['Compilation', tu.fb.c], ['Execution', tu.fb.e], ['User' + (tu.fb.r ? ' (replayed from the reference log)' : ''), tu.fb.u]].forEach(function (p) {
        var text = str(p[1]); if (text === undefined) return;
        fb.appendChild(el('div', 'fb-label', p[0])); fb.appendChild(el('pre', 'fb-text', text));
      });
    } else fb.appendChild(el('p', 'note', tu.t === 0 ? 'None: turn 0.' : 'None recorded.'));
    view.appendChild(fb);
    var dp = el('div', 'panel code-diff'); dp.appendChild(el('h4', '', 'Code: ' + (tu.in ? tu.in.l : 'empty') + ' -> turn ' + tu.t));
    dp.appendChild(diffView(tu.in ? str(tu.in.c) : '', str(tu.c), tu.d || [])); view.appendChild(dp);
    document.body.setAttribute('data-rendered', '1');
  }
  runSel.addEventListener('change', function () { state.run = +runSel.value; state.task = 0; state.turn = 0; fillTasks(); render(); });
  taskSel.addEventListener('change', function () { state.task = +taskSel.value; state.turn = 0; render(); });
  document.getElementById('prev-turn').addEventListener('click', function () { state.turn = Math.max(0, state.turn - 1); render(); });
  document.getElementById('next-turn').addEventListener('click', function () { state.turn = state.turn + 1; render(); });
  parseHash(); fillRuns(); fillTasks(); render();
})();
`;
