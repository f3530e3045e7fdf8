// The viewer's stylesheet and script, inlined in every page (server and static snapshot alike).

export const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2327}
header{display:flex;gap:24px;align-items:center;padding:10px 24px;background:#f1f3f5;border-bottom:1px solid #d0d4d8;position:sticky;top:0;z-index:2}
header h1{font-size:17px;margin:0}nav a{margin-right:14px;text-decoration:none;color:#0b57d0;font-weight:600}nav a.current{color:#111;border-bottom:2px solid #0b57d0}
#live-status{margin-left:auto;font-size:12px;color:#555}#live-status.off{color:#cf222e}
main{padding:12px 24px;max-width:1600px}h2{font-size:18px;margin:12px 0 8px}h3{font-size:15px;margin:16px 0 4px}
table.data{border-collapse:collapse;margin:8px 0}table.data th,table.data td{border:1px solid #d0d4d8;padding:3px 8px;text-align:left;vertical-align:top}
table.data th{background:#f6f8fa}th[data-sort]{cursor:pointer;user-select:none}th.sorted-asc:after{content:" \\25B2"}th.sorted-desc:after{content:" \\25BC"}
td.small,.small{font-size:12px;color:#444}.na{color:#9ca3af}.note{color:#555}.warn{background:#fff4d6;border:1px solid #f0c36d;padding:6px 10px}
.warn-line{font-size:12px;color:#9a6700}.err{color:#cf222e;font-size:12px}.mono{font-family:ui-monospace,Menlo,monospace}
.controls{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin:6px 0}
.st{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}.st-running{background:#0b57d0}.st-finished{background:#1a7f37}.st-stopped{background:#9a6700}.st-unreadable{background:#cf222e}
tr.status-unreadable td{background:#fff5f5}
table.paper td{text-align:right;font-variant-numeric:tabular-nums}table.paper td .side{color:#6b7280;font-size:12px}table.paper th.row-name{text-align:left;background:#fff}
textarea.copy-src{position:absolute;left:-9999px;width:10px;height:10px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fff;border:1px solid #e5e7eb}.chart .grid{stroke:#eceff1}.chart .axis{stroke:#555}
.chart .tick{font-size:11px;fill:#555}.chart .axis-label{font-size:12px;fill:#333}.chart .chart-title{font-size:13px;font-weight:600;fill:#222}
.legend{list-style:none;padding:0;margin:4px 0 12px;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:6px 0}dl.facts dt{color:#555}dl.facts dd{margin:0}
.conv{display:grid;gap:12px}.conv.two{grid-template-columns:1fr 1fr}.conv-head{font-weight:600}
.turn{border:1px solid #d0d4d8;border-radius:4px;padding:6px 10px;background:#fcfcfd;margin-bottom:8px}.turn.st-pass{border-left:4px solid #1a7f37}.turn.st-fail,.turn.st-timeout{border-left:4px solid #cf222e}
.turn-head{display:flex;gap:10px;align-items:center;flex-wrap:wrap;font-size:13px}.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}.badge.pass{background:#1a7f37}.badge.fail,.badge.timeout{background:#cf222e}
.fb-label{font-size:12px;font-weight:600;margin-top:4px}.leak{font-weight:400;color:#555}.leak.flagged{color:#cf222e;font-weight:600}
pre{white-space:pre-wrap;word-break:break-word;margin:2px 0;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;padding:6px;border-radius:3px;max-height:300px;overflow:auto}
.diff{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#fff;border:1px solid #e5e7eb;max-height:520px;overflow:auto}
.diff-line{white-space:pre-wrap;padding:0 6px}.diff-line.add{background:#e6ffec}.diff-line.del{background:#ffebe9}.diff-line .sign{display:inline-block;width:14px;color:#888}
.page[hidden]{display:none}
`;

// Plain ES5 (no template literals: this text sits inside one); renders with textContent only.
export const JS = `
(function () {
  var STATIC = document.body.getAttribute('data-mode') === 'static';
  var main = document.getElementById('main');
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = text; return e; }
  function all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function lines(s) { if (!s) return []; var l = s.replace(/\\r\\n/g, '\\n').split('\\n'); if (l[l.length - 1] === '') l.pop(); return l; }
  var sortState = {};
  function sortTable(th, dir) {
    var table = th.closest('table'); var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var num = th.getAttribute('data-sort') === 'num'; var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ca = a.cells[idx], cb = b.cells[idx];
      var va = ca.hasAttribute('data-v') ? +ca.getAttribute('data-v') : ca.textContent, vb = cb.hasAttribute('data-v') ? +cb.getAttribute('data-v') : cb.textContent;
      if (num) { va = +va; vb = +vb; return (va - vb) * dir; }
      return String(va).localeCompare(String(vb), 'en', { numeric: true }) * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    all(th.parentNode, 'th').forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
    th.classList.add(dir > 0 ? 'sorted-asc' : 'sorted-desc');
    sortState[table.id || 't'] = { idx: idx, dir: dir };
  }
  function applyFilter(root) {
    var f = root.querySelector('#filter'); if (!f) return;
    var words = f.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var kind = root.querySelector('#kind-filter').value, status = root.querySelector('#status-filter').value, shown = 0;
    all(root, '#runs-table tbody tr').forEach(function (tr) {
      var s = tr.getAttribute('data-search') || '';
      var ok = words.every(function (w) { return s.indexOf(w) >= 0; }) && (!kind || tr.getAttribute('data-kind') === kind) && (!status || tr.getAttribute('data-status') === status);
      tr.hidden = !ok; if (ok) shown++;
    });
    var c = root.querySelector('#shown-count'); if (c) c.textContent = String(shown);
  }
  function picked(root) { return all(root, 'input.pick:checked').map(function (i) { return i.value; }); }
  function updatePick(root) {
    var p = picked(root), b = root.querySelector('#compare-btn'); if (!b) return;
    b.disabled = p.length !== 2;
  }
  function pairHref(a, b) { return STATIC ? '#/pair/' + encodeURIComponent(a) + '/' + encodeURIComponent(b) : '/pair?a=' + encodeURIComponent(a) + '&b=' + encodeURIComponent(b); }
  function copyText(btn) {
    var src = document.getElementById(btn.getAttribute('data-copy')); var text = src.value; var note = btn.parentNode.querySelector('.copied');
    function done(ok) { if (note) note.textContent = ok ? 'copied' : 'copy refused: select the text below'; btn.setAttribute('data-copied', ok ? '1' : '0'); }
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(function () { done(true); }, function () { src.select(); done(document.execCommand('copy')); });
    else { src.select(); done(document.execCommand('copy')); }
  }
  function badge(st) { return el('span', 'badge ' + (st || ''), st || 'n/a'); }
  function diffBox(oldText, newText, ops) {
    var box = el('div', 'diff'), a = lines(oldText), b = lines(newText), i = 0, j = 0, add = 0, del = 0;
    ops.forEach(function (op) {
      for (var k = 0; k < op[1]; k++) {
        var line, cls, sign;
        if (op[0] === '=') { line = b[j]; i++; j++; cls = 'diff-line same'; sign = ' '; }
        else if (op[0] === '-') { line = a[i]; i++; cls = 'diff-line del'; sign = '-'; del++; }
        else { line = b[j]; j++; cls = 'diff-line add'; sign = '+'; add++; }
        var d = el('div', cls); d.appendChild(el('span', 'sign', sign)); d.appendChild(document.createTextNode(line === undefined ? '' : line)); box.appendChild(d);
      }
    });
    if (!ops.length) box.appendChild(el('div', 'diff-line same', '(empty)'));
    return { box: box, add: add, del: del };
  }
  function turnBox(task, k) {
    var tu = task.turns[k]; var box = el('div', 'turn st-' + tu.st); box.setAttribute('data-turn', String(tu.t));
    var head = el('div', 'turn-head'); head.appendChild(el('b', '', 'Turn ' + tu.t)); head.appendChild(badge(tu.st));
    if (tu.tp) head.appendChild(el('span', 'tests', 'tests ' + tu.tp[0] + '/' + tu.tp[1]));
    if (tu.tok) {
      var parts = []; if (tu.tok.coder) parts.push('coder ' + tu.tok.coder[0] + ' in / ' + tu.tok.coder[1] + ' out'); if (tu.tok.user) parts.push('user ' + tu.tok.user[0] + ' in / ' + tu.tok.user[1] + ' out');
      head.appendChild(el('span', 'tokens small', 'tokens: ' + parts.join(', ')));
    }
    if (tu.cp) head.appendChild(el('span', 'small', 'copied: the code it revised already passed, no model call'));
    if (tu.un) head.appendChild(el('span', 'small', 'unchanged: no feedback, no model call'));
    box.appendChild(head);
    if (tu.fb) {
      var fb = el('div', 'feedback');
      if (tu.fb.c !== undefined) { fb.appendChild(el('div', 'fb-label', 'Compilation feedback')); fb.appendChild(el('pre', 'fb-text fb-compilation', tu.fb.c)); }
      if (tu.fb.e !== undefined) { fb.appendChild(el('div', 'fb-label', 'Execution feedback')); fb.appendChild(el('pre', 'fb-text fb-execution', tu.fb.e)); }
      if (tu.fb.u !== undefined) {
        var lab = el('div', 'fb-label', 'Simulated user' + (tu.fb.r ? ' (replayed from the reference log)' : '') + ' ');
        if (tu.fb.leak !== undefined) lab.appendChild(el('span', 'leak' + (tu.fb.flag ? ' flagged' : ''), 'leak score ' + tu.fb.leak.toFixed(2) + (tu.fb.flag ? ' (flagged)' : '')));
        fb.appendChild(lab); fb.appendChild(el('pre', 'fb-text fb-user', tu.fb.u));
      }
      box.appendChild(fb);
    }
    var old = tu.ic !== undefined ? tu.ic : k > 0 ? task.turns[k - 1].c : '';
    var d = diffBox(old, tu.c, tu.d || []);
    var det = el('details', 'code'); det.open = true;
    det.appendChild(el('summary', '', (k === 0 && tu.ic === undefined ? 'Code (turn 0)' : 'Code: diff from ' + (tu.il || ('turn ' + (tu.t - 1))) + ' (+' + d.add + ' -' + d.del + ')')));
    det.appendChild(d.box); box.appendChild(det);
    return box;
  }
  function convHead(task) {
    var h = el('div', 'conv-head', task.name + ' - ' + task.id + ': ' + (task.stop === null ? 'not solved' : 'solved at turn ' + task.stop) + ', RR ' + task.rr.toFixed(3));
    if (task.err) h.appendChild(el('div', 'err', 'episode error: ' + task.err));
    return h;
  }
  function renderTask(view, a, b) {
    view.innerHTML = '';
    if (!a) { view.appendChild(el('p', 'note', 'No such task.')); return; }
    var grid = el('div', 'conv' + (b ? ' two' : ''));
    grid.appendChild(convHead(a)); if (b) grid.appendChild(convHead(b));
    var n = Math.max(a.turns.length, b ? b.turns.length : 0);
    for (var k = 0; k < n; k++) {
      grid.appendChild(k < a.turns.length ? turnBox(a, k) : el('div'));
      if (b) grid.appendChild(k < b.turns.length ? turnBox(b, k) : el('div'));
    }
    view.appendChild(grid);
    view.setAttribute('data-rendered', a.id);
  }
  function init(root) {
    all(root, 'table.sortable th[data-sort]').forEach(function (th) {
      th.addEventListener('click', function () { sortTable(th, th.classList.contains('sorted-asc') ? -1 : 1); });
    });
    ['#filter', '#kind-filter', '#status-filter'].forEach(function (s) { var x = root.querySelector(s); if (x) x.addEventListener('input', function () { applyFilter(root); }); });
    all(root, 'input.pick').forEach(function (i) { i.addEventListener('change', function () { updatePick(root); }); });
    var cb = root.querySelector('#compare-btn');
    if (cb) cb.addEventListener('click', function () { var p = picked(root); if (p.length === 2) location.href = pairHref(p[0], p[1]); });
    all(root, 'button[data-copy]').forEach(function (b) { b.addEventListener('click', function () { copyText(b); }); });
    var td = root.querySelector('#task-data');
    if (td) { var D = JSON.parse(td.textContent); renderTask(root.querySelector('#task-view'), D.a, D.b); }
    var vs = root.querySelector('#vs-select'); if (vs && !STATIC) vs.addEventListener('change', function () { vs.form.submit(); });
  }
  function saveState() {
    var s = { checked: picked(main), scroll: window.scrollY, open: [] };
    ['#filter', '#kind-filter', '#status-filter'].forEach(function (k) { var x = main.querySelector(k); if (x) s[k] = x.value; });
    all(main, 'details.code').forEach(function (d, i) { if (!d.open) s.open.push(i); });
    return s;
  }
  function restore(s) {
    ['#filter', '#kind-filter', '#status-filter'].forEach(function (k) { var x = main.querySelector(k); if (x && s[k] !== undefined) x.value = s[k]; });
    all(main, 'input.pick').forEach(function (i) { i.checked = s.checked.indexOf(i.value) >= 0; });
    all(main, 'details.code').forEach(function (d, i) { if (s.open.indexOf(i) >= 0) d.open = false; });
    Object.keys(sortState).forEach(function (id) {
      var t = document.getElementById(id); var st = sortState[id]; if (!t) return;
      var th = t.tHead && t.tHead.rows[0].cells[st.idx]; if (th) sortTable(th, st.dir);
    });
    applyFilter(main); updatePick(main); window.scrollTo(0, s.scroll);
  }
  var liveStatus = document.getElementById('live-status');
  function live() {
    if (!window.EventSource) { liveStatus.textContent = 'no live updates in this browser'; return; }
    var es = new EventSource('/events');
    var busy = false, again = false;
    function refresh() {
      if (busy) { again = true; return; }
      busy = true; var st = saveState();
      fetch(location.pathname + location.search, { headers: { 'x-fragment': '1' } }).then(function (r) { return r.text(); }).then(function (html) {
        main.innerHTML = html; init(main); restore(st);
        document.body.setAttribute('data-version', String((+document.body.getAttribute('data-version') || 0) + 1));
        liveStatus.className = ''; liveStatus.textContent = 'live - updated ' + new Date().toLocaleTimeString();
      }).catch(function () { liveStatus.className = 'off'; liveStatus.textContent = 'update failed; retrying'; })
        .then(function () { busy = false; if (again) { again = false; refresh(); } });
    }
    es.addEventListener('change', refresh);
    es.addEventListener('open', function () { liveStatus.className = ''; liveStatus.textContent = 'live'; });
    es.addEventListener('error', function () { liveStatus.className = 'off'; liveStatus.textContent = 'server unreachable; retrying'; });
  }
  function route() {
    var parts = location.hash.replace(/^#\\/?/, '').split('/').map(function (p) { return decodeURIComponent(p); });
    var page = parts[0] || 'runs';
    all(main, 'section.page').forEach(function (s) {
      var r = s.getAttribute('data-route');
      s.hidden = !(r === page && (r !== 'run' || s.getAttribute('data-id') === parts[1]));
    });
    all(document, 'nav a').forEach(function (a) { a.classList.toggle('current', a.getAttribute('href') === '#/' + page); });
    if (page === 'task') staticTask(parts[1], parts[2], parts[3]);
    if (page === 'pair') staticPair(parts[1], parts[2]);
    window.scrollTo(0, 0);
  }
  var ALL = null;
  function staticTask(run, task, vs) {
    if (!ALL) ALL = JSON.parse(document.getElementById('all-tasks').textContent);
    var find = function (r, t) { var R = ALL.runs.filter(function (x) { return x.id === r; })[0]; return R && R.tasks.filter(function (x) { return x.id === t; })[0]; };
    var a = find(run, task), b = vs ? find(vs, task) : undefined;
    var head = document.getElementById('static-task-title'); head.textContent = a ? 'Task ' + task + ' in ' + run + (b ? ' and ' + vs : '') : 'Task ' + task + ' is not in this snapshot (compare-runs --max-tasks holds more).';
    renderTask(document.getElementById('task-view'), a, b);
  }
  function staticPair(a, b) {
    var sa = document.getElementById('pair-a'), sb = document.getElementById('pair-b'); if (a) sa.value = a; if (b) sb.value = b;
    var any = false;
    all(main, '.pair-result').forEach(function (d) { var on = (d.getAttribute('data-a') === a && d.getAttribute('data-b') === b) || (d.getAttribute('data-a') === b && d.getAttribute('data-b') === a); d.hidden = !on; any = any || on; });
    var none = main.querySelector('.pair-none'); if (none) none.hidden = any || !a || !b;
  }
  init(main);
  if (STATIC) {
    var pf = main.querySelector('.pair-form');
    if (pf) pf.addEventListener('submit', function (ev) { ev.preventDefault(); location.hash = '#/pair/' + encodeURIComponent(document.getElementById('pair-a').value) + '/' + encodeURIComponent(document.getElementById('pair-b').value); });
    window.addEventListener('hashchange', route); route();
  } else live();
  document.body.setAttribute('data-ready', '1');
})();
`;
