import { existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseOptions } from '../config/options.js';
import { esc } from '../compare/format.js';
import { UserError } from '../util/errors.js';
import { pairPage, runPage, taskPage } from './detail.js';
import type { RunEntry } from './entry.js';
import { RunIndex } from './index-dirs.js';
import { ciReady, warmCIs } from './table.js';
import { pageHtml } from './layout.js';
import { curvesPage, runsPage, serverLinks, tablePage, type PageCtx } from './pages.js';

/** Options of `view`; the defaults are the command's. */
export const ViewOptionsSchema = z.object({
  dir: z.string().default('logs'),
  /** 0: any free port. */
  port: z.number().int().min(0).max(65535).default(7860),
  /** Loopback unless asked: the pages show code, prompts and paths. */
  host: z.string().default('127.0.0.1'),
  /** How often run directories are checked for changes. */
  pollMs: z.number().int().positive().default(1000),
  resamples: z.number().int().positive().default(2000),
  seed: z.number().int().default(1),
  title: z.string().default('codeconv-eval runs'),
});
export type ViewOptions = z.input<typeof ViewOptionsSchema>;

export interface ViewServer {
  url: string;
  port: number;
  index: RunIndex;
  close(): Promise<void>;
}

type Route = (p: URLSearchParams, ctx: PageCtx, index: RunIndex) => { main: string; current?: string } | undefined;

/** Every run with its records read (pages that compute over tasks). */
const loadedList = (ix: RunIndex): RunEntry[] => ix.list().map((e) => ix.load(e));
const loadIds = (ix: RunIndex, ...ids: (string | null)[]): RunEntry[] => {
  for (const id of ids) { const e = id ? ix.get(id) : undefined; if (e) ix.load(e); }
  return ix.list();
};
/** Time the table's first open spends reading records and resampling before it answers. */
const TABLE_BUDGET_MS = 300;

/**
 * The table within its budget: runs read and resampled until the budget is spent, the others shown
 * with their summary's number (interval pending) and done in the background; the page updates when all are.
 */
function tableNow(ctx: PageCtx, ix: RunIndex): string {
  const until = performance.now() + TABLE_BUDGET_MS;
  const ready = (e: RunEntry): boolean => ciReady(e, ctx.boot);
  const fill = (e: RunEntry): void => warmCIs(ix.load(e), ctx.boot);
  for (const e of ix.list()) {
    // A summary counts errored episodes differently from the table: such a run is read now.
    if (e.lazy && e.errored) ix.load(e);
    if (!ready(e) && performance.now() < until) fill(e);
  }
  if (ix.list().some((e) => !ready(e))) ix.inBackground((e) => !ready(e), fill);
  return tablePage(ix.list(), ctx, true);
}

const ROUTES: Record<string, Route> = {
  '/': (_p, ctx, ix) => ({ main: runsPage(ix.list(), ctx), current: 'runs' }),
  '/table': (_p, ctx, ix) => ({ main: tableNow(ctx, ix), current: 'table' }),
  '/curves': (_p, _ctx, ix) => ({ main: curvesPage(loadedList(ix)), current: 'curves' }),
  '/pair': (p, ctx, ix) => ({ main: pairPage(loadIds(ix, p.get('a'), p.get('b')), p.get('a') ?? undefined, p.get('b') ?? undefined, ctx), current: 'pair' }),
  '/run': (p, ctx, ix) => {
    const e = ix.get(p.get('id') ?? '');
    return e ? { main: runPage(ix.load(e), ctx) } : undefined;
  },
  '/task': (p, ctx, ix) => ({ main: taskPage(loadIds(ix, p.get('run'), p.get('vs')), p.get('run') ?? '', p.get('task') ?? '', p.get('vs') || undefined, ctx) }),
};

/** Serves the runs below a directory: pages rendered on request, a change event when a run's files change. */
export async function startViewServer(input: ViewOptions = {}): Promise<ViewServer> {
  const o = parseOptions(ViewOptionsSchema, input);
  if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) throw new UserError('ENOENT', `${o.dir}: no such directory`);
  const index = new RunIndex(resolve(o.dir));
  index.refresh();
  const ctx: PageCtx = { static: false, boot: { resamples: o.resamples, seed: o.seed }, links: serverLinks };
  const clients = new Set<ServerResponse>();
  const cache = new Map<string, string>();
  let seen = index.version;

  const notify = (): void => {
    if (index.version === seen) return;
    seen = index.version;
    cache.clear();
    for (const c of clients) c.write(`event: change\ndata: ${index.version}\n\n`);
  };
  index.onFilled = notify;
  const poll = (): void => {
    try {
      index.refresh();
    } catch {
      return; // a directory vanishing mid-scan: the next poll sees the settled state
    }
    notify();
  };
  const timer = setInterval(poll, o.pollMs);
  const keepAlive = setInterval(() => { for (const c of clients) c.write(': ping\n\n'); }, 15_000);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(`retry: 2000\nevent: hello\ndata: ${index.version}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (url.pathname === '/api/runs') {
      const body = JSON.stringify({ version: index.version, runs: index.list().map(({ run: _run, ...e }) => e) });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
      return;
    }
    const route = ROUTES[url.pathname];
    const fragment = req.headers['x-fragment'] === '1';
    const key = `${fragment ? 'f' : 'p'}${url.pathname}?${url.searchParams.toString()}`;
    let html = cache.get(key);
    let status = 200;
    if (html === undefined) {
      const page = route?.(url.searchParams, ctx, index);
      if (!page) status = 404;
      const main = page?.main ?? `<section class="page"><h2>Not found</h2><p class="warn">Nothing at ${esc(url.pathname + url.search)}.</p></section>`;
      html = fragment ? main : pageHtml({ title: o.title, main, mode: 'server', links: serverLinks, ...(page?.current ? { current: page.current } : {}), synthetic: index.list().some((e) => e.synthetic) });
      if (status === 200) cache.set(key, html);
    }
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      // One bad page never takes the server down: it says what failed and keeps serving.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<section class="page"><h2>Error</h2><pre>${esc((err as Error).message)}</pre></section>`);
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL'
      ? new UserError('BAD_PORT', `cannot listen on ${o.host}:${o.port} (${err.code}); choose another --port or --host`) : err));
    server.listen(o.port, o.host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/`,
    port,
    index,
    close: () => new Promise<void>((ok) => {
      clearInterval(timer);
      clearInterval(keepAlive);
      index.stop();
      for (const c of clients) c.end();
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}
