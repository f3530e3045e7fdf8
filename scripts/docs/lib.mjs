// What keeps the docs honest: finds the pasted --help blocks, example outputs and named files in
// README.md, CHANGELOG.md and docs/, and produces the real text for each (used by test/docs and
// scripts/docs/sync.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FENCE = /^(\x60{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm;

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The user documentation: README.md, CHANGELOG.md and every .md under docs/ (paths relative to ROOT). */
export function docFiles(root = ROOT) {
  const out = ['README.md', 'CHANGELOG.md'].filter((f) => existsSync(join(root, f)));
  const walk = (dir) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  if (existsSync(join(root, 'docs'))) walk('docs');
  return out.sort();
}

/** Marked blocks: `<!-- <kind>: <key> -->` on its own line, then a fenced block. */
export function markedBlocks(text, kind) {
  const re = new RegExp(String.raw`<!--\s*${kind}:\s*(.+?)\s*-->[ \t]*\n(\x60{3,})([^\n]*)\n([\s\S]*?)\n\2[ \t]*(?:\n|$)`, 'g');
  const out = [];
  for (const m of text.matchAll(re)) {
    const bodyStart = m.index + m[0].indexOf('\n') + 1 + m[2].length + m[3].length + 1;
    out.push({ key: m[1], lang: m[3], body: m[4], bodyStart, bodyEnd: bodyStart + m[4].length });
  }
  return out;
}

/** Replaces block bodies (from markedBlocks of the same text) with new bodies, keyed by bodyStart. */
export function replaceBodies(text, replacements) {
  const sorted = [...replacements].sort((a, b) => b.block.bodyStart - a.block.bodyStart);
  let t = text;
  for (const { block, body } of sorted) t = t.slice(0, block.bodyStart) + body + t.slice(block.bodyEnd);
  return t;
}

/** package.json's bin table: command name -> the TypeScript source of its CLI. */
export function commands(root = ROOT) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = {};
  for (const [name, file] of Object.entries(pkg.bin ?? {})) {
    out[name] = String(file).replace(/^dist\//, 'src/').replace(/\.js$/, '.ts');
  }
  return out;
}

/** Paths of this checkout print relative to it, so a paste reads the same on every machine. */
export function normalizeOutput(text, root = ROOT) {
  const parent = dirname(root);
  return text
    .split(root + '/').join('')
    .split(root).join('.')
    .split(parent + '/').join('../')
    .split('\n').map((l) => l.replace(/\s+$/, '')).join('\n')
    .replace(/^\n+|\n+$/g, '');
}

function run(cmd, args, opts = {}) {
  return new Promise((res, rej) => {
    // Piped output: commander wraps help at 80 columns whatever the terminal is.
    const env = { ...process.env, ...opts.env };
    delete env.COLUMNS;
    const p = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', rej);
    p.on('close', (code) => res({ code, stdout: out, stderr: err }));
  });
}

function newestMtime(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** How to start a CLI: the built file when dist is newer than every source (fast), else the source through tsx. */
function entry(root, src) {
  const built = join(root, src.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js'));
  const index = join(root, 'dist/index.js');
  const current = existsSync(built) && existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(root, 'src'));
  // tsx resolved here: the child may run in a directory with no node_modules.
  return current ? [built] : ['--import', import.meta.resolve('tsx'), join(root, src)];
}

/** What `<command> [subcommand] --help` prints (from the source when dist is older, so always current). */
export async function helpOf(key, root = ROOT) {
  const [name, ...rest] = key.split(/\s+/);
  const src = commands(root)[name];
  if (!src) throw new Error(`help block "${key}": ${name} is not a command of package.json's bin`);
  const r = await run(process.execPath, [...entry(root, src), ...rest, '--help'], { cwd: root });
  if (r.code !== 0) throw new Error(`${key} --help exited ${r.code}: ${r.stderr.trim()}`);
  return normalizeOutput(r.stdout, root);
}

/** The subcommands a help text lists under "Commands:" (commander's own `help` left out). */
export function subcommandsOf(help) {
  const i = help.indexOf('\nCommands:\n');
  if (i < 0) return [];
  return help.slice(i + 11).split('\n').map((l) => l.match(/^ {2}([a-z][\w-]*)/)?.[1]).filter((c) => c && c !== 'help');
}

/** Runs fn over items, at most n at a time (the machine may have two cores). */
export async function mapLimit(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); }
  }));
  return out;
}

/** Every pasted --help in the docs with the real text beside it. */
export async function helpChecks(root = ROOT) {
  const blocks = docFiles(root).flatMap((file) => markedBlocks(readFileSync(join(root, file), 'utf8'), 'help').map((block) => ({ file, block })));
  return mapLimit(blocks, 2, async ({ file, block }) => ({ file, block, actual: await helpOf(block.key, root) }));
}

// Text that varies from run to run or machine to machine, compared as placeholders.
const MASKS = [
  [/run directory: \S+/g, 'run directory: <dir>'],
  [/\b\d+(?:\.\d+)? ?(?:ms|s)\b/g, '<time>'],
];
export function masked(text) {
  return MASKS.reduce((t, [re, to]) => t.replace(re, to), text);
}

/**
 * The runnable outputs the docs paste, by key. quick-start is the first `npm start` of a clean
 * clone: the same program and embedded default, with a fresh logs and cache directory.
 */
export const OUTPUTS = {
  'quick-start': {
    shown: 'npm start',
    async run(root = ROOT) {
      const tmp = mkdtempSync(join(tmpdir(), 'codeconv-docs-'));
      try {
        // Fresh logs and caches wherever this version keeps them: keys of the defaults file, the
        // working directory, or the home directory.
        const defaults = readFileSync(join(root, 'resources/config.yaml'), 'utf8');
        const fresh = { logsDir: join(tmp, 'logs'), cacheDir: join(tmp, 'cache') };
        const keys = Object.entries(fresh).filter(([k]) => new RegExp(`^${k}:`, 'm').test(defaults));
        const args = [];
        if (keys.length) {
          writeFileSync(join(tmp, 'fresh.yaml'), keys.map(([k, v]) => `${k}: ${v}\n`).join(''));
          args.push('--config', join(tmp, 'fresh.yaml'));
        }
        const env = { HOME: tmp, XDG_CACHE_HOME: join(tmp, 'cache') };
        const r = await run(process.execPath, [...entry(root, 'src/cli/run-world.ts'), ...args, '--quiet'], { cwd: tmp, env });
        if (r.code !== 0) throw new Error(`quick start exited ${r.code}: ${r.stderr.trim()}`);
        return normalizeOutput(r.stdout.split(join(realpathSync(tmp), 'logs')).join('logs').split(join(tmp, 'logs')).join('logs'), root);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  },
  library: {
    shown: 'the library example (a .mjs file in this project)',
    async run(root = ROOT, text = readFileSync(join(root, 'README.md'), 'utf8')) {
      const ex = markedBlocks(text, 'example').find((b) => b.key === 'library');
      if (!ex) throw new Error('no <!-- example: library --> block in README.md');
      // Inside the project, so `import ... from 'codeconv-eval'` resolves to this package (built dist).
      const file = join(root, `.docs-example-${process.pid}.mjs`);
      writeFileSync(file, ex.body + '\n');
      try {
        const r = await run(process.execPath, [file], { cwd: root });
        if (r.code !== 0) throw new Error(`library example exited ${r.code}: ${r.stderr.trim()}`);
        return normalizeOutput(r.stdout, root);
      } finally {
        rmSync(file, { force: true });
      }
    },
  },
};

/** Every pasted output (`<!-- output: key -->`) with the real one beside it; only the keys asked for. */
export async function outputChecks(keys, root = ROOT) {
  const out = [];
  for (const file of docFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const block of markedBlocks(text, 'output')) {
      if (!keys.includes(block.key)) continue;
      const spec = OUTPUTS[block.key];
      if (!spec) throw new Error(`${file}: no runner for output block "${block.key}" (scripts/docs/lib.mjs OUTPUTS)`);
      out.push({ file, block, actual: await spec.run(root, text) });
    }
  }
  return out;
}

/** Keeps the pasted text where only masked parts differ, so a sync does not churn paths or timings. */
export function syncedBody(pasted, actual) {
  return masked(pasted) === masked(actual) ? pasted : actual;
}

/**
 * Names the docs use that must exist: repository paths in backticks or after node/bash/sh,
 * `./x.sh` scripts, `npm run <script>`, and command names (run-*, compare-runs, codeconv-*).
 */
export function namedThings(text) {
  const paths = new Set();
  const scripts = new Set();
  const cmds = new Set();
  // Blocks of other languages (YAML manifests, code) hold names that are not ours to check.
  const prose = text.replace(/<!--[\s\S]*?-->/g, '').replace(FENCE, (b) => (/^`{3,}(?:sh|bash|shell|console|text)?[ \t]*\n/.test(b) ? b : ''));
  const expand = (p) => {
    const m = p.match(/^(.*)\{([^}]+)\}(.*)$/);
    return m ? m[2].split(',').flatMap((x) => expand(m[1] + x + m[3])) : [p];
  };
  const PATH = /^(?:\.\/)?(?:scripts|src|test|docs|resources|envs|data|\.ci)\/[\w.{},@/-]*[\w}]$|^(?:README|CHANGELOG)\.md$|^package\.json$|^\.\/[\w.-]+\.(?:sh|mjs|js)$/;
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) {
    for (const word of m[1].split(/\s+/)) {
      const w = word.replace(/[,;:)]+$/, '').replace(/#.*$/, '');
      if (PATH.test(w) && !w.includes('<')) for (const p of expand(w.replace(/^\.\//, ''))) paths.add(p);
    }
  }
  for (const m of prose.matchAll(/(?:^|[\s`($])(?:node|bash|sh|tsx)\s+((?:\.\/)?[\w./-]+\.(?:mjs|js|sh|ts))\b/gm)) paths.add(m[1].replace(/^\.\//, ''));
  for (const m of prose.matchAll(/(?:^|[\s`$])(\.\/[\w.-]+\.sh)\b/gm)) paths.add(m[1].slice(2));
  for (const m of prose.matchAll(/npm run(?: --silent)? ([\w:-]+)/g)) scripts.add(m[1]);
  // Command names count where a command is meant: code spans, shell blocks, and `$ ` lines of output.
  const shell = [...prose.matchAll(FENCE)].flatMap((m) => {
    const lines = m[0].split('\n').slice(1, -1);
    return /^`{3,}(?:sh|bash|shell|console)[ \t]*\n/.test(m[0]) ? lines : lines.filter((l) => l.startsWith('$ '));
  });
  const spans = [...prose.replace(FENCE, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  for (const t of [...shell, ...spans]) {
    for (const m of t.matchAll(/(?<![\w/.<-])(run-[a-z]+|compare-runs|codeconv-[a-z]+)(?![\w/.>-])/g)) cmds.add(m[1]);
  }
  return { paths: [...paths].sort(), scripts: [...scripts].sort(), commands: [...cmds].sort() };
}

/** What the docs name that does not exist: one line per missing thing, "file: what". */
export function missingNames(root = ROOT, files = docFiles(root)) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const bins = new Set(Object.keys(pkg.bin ?? {}));
  // Names that are not commands of ours although they look like one: the npm package itself.
  const notCommands = new Set(['codeconv-eval', 'codeconv-bigcodebench', 'codeconv-django', 'codeconv-docs', 'codeconv-judge']);
  const out = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const named = namedThings(text);
    for (const p of named.paths) {
      // data/ and logs/ hold what commands write; only the committed sample is checked there.
      if (p.startsWith('data/') && p !== 'data/sample-tasks.jsonl') continue;
      if (!existsSync(join(root, p))) out.push(`${file}: ${p} does not exist`);
    }
    for (const s of named.scripts) if (!pkg.scripts?.[s]) out.push(`${file}: npm run ${s}: no such script in package.json`);
    for (const c of named.commands) if (!bins.has(c) && !notCommands.has(c)) out.push(`${file}: ${c} is not a command (package.json bin)`);
  }
  return out;
}


/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading) {
  return heading.trim().toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a Markdown text defines: its headings' slugs (repeats numbered -1, -2, as GitHub does). */
export function anchorsOf(text) {
  const seen = new Map();
  const out = new Set();
  for (const m of text.replace(FENCE, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const s = slug(m[1]);
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    out.add(n ? `${s}-${n}` : s);
  }
  for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** Relative links and anchors in the docs that lead nowhere: one line each, "file: link: why". */
export function brokenLinks(root = ROOT, files = docFiles(root)) {
  const out = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const prose = text.replace(FENCE, '').replace(/`[^`\n]*`/g, '').replace(/<!--[\s\S]*?-->/g, '');
    const links = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
    links.push(...[...prose.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]));
    for (const link of links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      const [path, anchor] = link.split('#');
      const target = path ? resolve(dirname(join(root, file)), decodeURIComponent(path)) : join(root, file);
      if (!target.startsWith(root)) { out.push(`${file}: ${link}: leads outside the repository`); continue; }
      if (!existsSync(target)) { out.push(`${file}: ${link}: no such file`); continue; }
      if (anchor === undefined) continue;
      if (!target.endsWith('.md')) { out.push(`${file}: ${link}: an anchor into a file that is not Markdown`); continue; }
      if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) out.push(`${file}: ${link}: no heading with anchor #${anchor}`);
    }
  }
  return out;
}
