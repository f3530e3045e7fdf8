import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';

/** The reference copies of the benchmark files on our machines (absent elsewhere: tests skip). */
export const SHARED_DATA = resolve(fileURLToPath(new URL('../../..', import.meta.url)), 'shared', 'data');
export const BIGCODEBENCH_FIELDS = ['task_id', 'complete_prompt', 'instruct_prompt', 'canonical_solution', 'code_prompt', 'test', 'entry_point', 'doc_struct', 'libs'];

interface RepoFile {
  bytes: Buffer;
  /** Served from the second host through a 302, as the Hub serves LFS files. */
  lfs: boolean;
  sha256: string;
  gitOid: string;
}

interface Repo {
  files: Map<string, RepoFile>;
  commit: string;
  gated: boolean;
}

export interface HubDoubleOptions {
  /** Tree entries per page (the Hub pages its listings through a Link header). */
  pageSize?: number;
  /** The token a gated repository accepts. */
  token?: string;
  /** Serve the BigCodeBench, CRUXEval, CodeGlance and Case2Code files from ../shared/data. */
  shared?: boolean;
}

export interface HubDouble {
  /** HF_ENDPOINT of the double. */
  url: string;
  /** The second host LFS files redirect to. */
  lfsUrl: string;
  /** CODECONV_GITHUB_RAW of the double. */
  githubRaw: string;
  token: string;
  /** Request lines seen, e.g. `GET /api/datasets/bigcode/bigcodebench/revision/main`. */
  requests: string[];
  /** Fault switches: the next `dropMidFile` full downloads are cut halfway. */
  faults: { dropMidFile: number };
  addRepo(repo: string, files: Record<string, Buffer | string>, opts?: { gated?: boolean; lfs?: (path: string) => boolean }): void;
  addGithubFile(repo: string, commit: string, path: string, bytes: Buffer | string): void;
  /** Environment pointing a client at the double with a fresh Hub cache. */
  env(hubCache: string, cacheDir: string): Record<string, string>;
  close(): Promise<void>;
}

const sha = (algo: string, b: Buffer | string): string => createHash(algo).update(b).digest('hex');

/** Parquet bytes of JSON rows, all columns as strings (the BigCodeBench splits' schema). */
export function parquetOfRows(rows: Record<string, unknown>[], columns: string[]): Buffer {
  const ab = parquetWriteBuffer({ columnData: columns.map((name) => ({ name, data: rows.map((r) => (r[name] === undefined ? null : String(r[name]))), type: 'STRING' as const })) });
  return Buffer.from(ab);
}

function jsonlRows(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const memoParquet = new Map<string, Buffer>();

/** The BigCodeBench repositories as the Hub lays them out: one parquet file per split. */
function bigcodebenchFiles(hard: boolean): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const ids = new Set(JSON.parse(readFileSync(join(SHARED_DATA, 'bigcodebench', 'hard-task-ids.json'), 'utf8')) as string[]);
  for (const v of ['v0.1.0_hf', 'v0.1.4']) {
    const key = `${v}${hard ? '-hard' : ''}`;
    let buf = memoParquet.get(key);
    if (!buf) {
      const src = join(SHARED_DATA, 'bigcodebench', `bigcodebench-${v}.jsonl`);
      // Writing the parquet takes seconds: kept on disk between test runs, keyed by the source's size and time.
      const st = statSync(src);
      const disk = join(tmpdir(), 'codeconv-hub-double', `${key}-${st.size}-${Math.floor(st.mtimeMs)}.parquet`);
      if (existsSync(disk)) buf = readFileSync(disk);
      else {
        const rows = jsonlRows(src);
        buf = parquetOfRows(hard ? rows.filter((r) => ids.has(r.task_id as string)) : rows, BIGCODEBENCH_FIELDS);
        mkdirSync(dirname(disk), { recursive: true });
        writeFileSync(`${disk}.${process.pid}`, buf);
        renameSync(`${disk}.${process.pid}`, disk);
      }
      memoParquet.set(key, buf);
    }
    out[`data/${v}-00000-of-00001.parquet`] = buf;
  }
  out['README.md'] = Buffer.from(`# ${hard ? 'bigcodebench-hard' : 'bigcodebench'} (test double)\n`);
  return out;
}

/** Starts the double on 127.0.0.1 (two ports: the Hub and the LFS host). */
export async function startHubDouble(opts: HubDoubleOptions = {}): Promise<HubDouble> {
  const pageSize = opts.pageSize ?? 50;
  const token = opts.token ?? 'hf_double_token';
  const repos = new Map<string, Repo>();
  const github = new Map<string, Buffer>();
  const blobs = new Map<string, Buffer>();
  const requests: string[] = [];
  const faults = { dropMidFile: 0 };

  const addRepo: HubDouble['addRepo'] = (repo, files, o = {}) => {
    const map = new Map<string, RepoFile>();
    for (const [path, content] of Object.entries(files)) {
      const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
      const lfs = o.lfs ? o.lfs(path) : path.endsWith('.parquet') || bytes.length > 100_000;
      const f: RepoFile = { bytes, lfs, sha256: sha('sha256', bytes), gitOid: sha('sha1', Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes])) };
      map.set(path, f);
      if (lfs) blobs.set(f.sha256, bytes);
    }
    const commit = sha('sha1', [...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, f]) => `${p}:${f.gitOid}`).join('\n') + repo);
    repos.set(repo, { files: map, commit, gated: !!o.gated });
  };
  const addGithubFile: HubDouble['addGithubFile'] = (repo, commit, path, bytes) => {
    github.set(`${repo}/${commit}/${path}`, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
  };

  if (opts.shared && existsSync(SHARED_DATA)) {
    addRepo('bigcode/bigcodebench', bigcodebenchFiles(false));
    addRepo('bigcode/bigcodebench-hard', bigcodebenchFiles(true));
    addRepo('cruxeval-org/cruxeval', { 'test.jsonl': readFileSync(join(SHARED_DATA, 'cruxeval', 'cruxeval.jsonl')), 'README.md': '# cruxeval (test double)\n' });
    for (const f of ['DS1000_reasoning.jsonl', 'PanNumEval_reasoning.jsonl', 'MonkBeatEval_reasoning.jsonl', 'torchdata_reasoning.jsonl', 'PanNumEval_RAG.json', 'MonkBeatEval_RAG.json']) {
      addGithubFile('greenlight2000/CodeGlance', 'aa2d7d4', `data/${f}`, readFileSync(join(SHARED_DATA, 'codeglance', f)));
    }
    addGithubFile('choosewhatulike/case2code', 'main', 'dataset/test.jsonl', readFileSync(join(SHARED_DATA, 'case2code', 'test.jsonl')));
  }

  const lfsServer = createServer((req, res) => {
    requests.push(`LFS ${req.method} ${req.url}`);
    const m = /^\/blobs\/([0-9a-f]{64})$/.exec(req.url ?? '');
    const bytes = m ? blobs.get(m[1]!) : undefined;
    if (!bytes) return send(res, 404, { error: 'no such blob' });
    serveBytes(req, res, bytes, { ETag: `"${m![1]}"` });
  });

  const serveBytes = (req: IncomingMessage, res: ServerResponse, bytes: Buffer, headers: Record<string, string>): void => {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Content-Length': String(end - start + 1) });
      return void res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(bytes.length) });
    if (req.method === 'HEAD') return void res.end();
    if (faults.dropMidFile > 0) {
      faults.dropMidFile--;
      // Half the promised bytes, then the connection goes away.
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(bytes);
  };

  const hub = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { error: String(err) }));
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const gh = /^\/gh\/([^/]+\/[^/]+)\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (gh) {
      const bytes = github.get(`${gh[1]}/${gh[2]}/${gh[3]}`);
      if (!bytes) return send(res, 404, '404: Not Found');
      return serveBytes(req, res, bytes, { 'Content-Type': 'text/plain' });
    }
    const api = /^\/api\/datasets\/([^/]+\/[^/]+)\/(revision|tree|paths-info)\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
    const dl = /^\/datasets\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoId = api?.[1] ?? dl?.[1];
    if (!repoId) return send(res, 404, { error: 'not found' });
    const repo = repos.get(repoId);
    if (!repo) return send(res, 404, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
    if (repo.gated && req.headers.authorization !== `Bearer ${token}`) {
      return send(res, 401, { error: `Access to dataset ${repoId} is restricted. You must have access to it and be authenticated to access it.` }, { 'X-Error-Code': 'GatedRepo' });
    }
    const rev = decodeURIComponent(api?.[3] ?? dl![2]!);
    if (!['main', 'HEAD', repo.commit].includes(rev)) return send(res, 404, { error: `Invalid rev id: ${rev}` }, { 'X-Error-Code': 'RevisionNotFound' });
    const headers = { 'X-Repo-Commit': repo.commit };
    if (api?.[2] === 'revision') return send(res, 200, { _id: `id-${repoId}`, id: repoId, sha: repo.commit, private: false, gated: repo.gated ? 'auto' : false, lastModified: '2026-01-01T00:00:00.000Z', siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })) }, headers);
    if (api?.[2] === 'tree') {
      const prefix = api[4] ? `${decodeURIComponent(api[4])}/` : '';
      const recursive = url.searchParams.get('recursive') === 'true';
      const entries = treeEntries(repo, prefix, recursive);
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const page = entries.slice(cursor, cursor + pageSize);
      const more = cursor + pageSize < entries.length;
      const next = new URL(`http://${req.headers.host}${url.pathname}`);
      next.search = url.search;
      next.searchParams.set('cursor', String(cursor + pageSize));
      return send(res, 200, page, more ? { ...headers, Link: `<${next.href}>; rel="next"` } : headers);
    }
    if (api?.[2] === 'paths-info') {
      const body = JSON.parse(await readBody(req)) as { paths: string[] };
      return send(res, 200, body.paths.filter((p) => repo.files.has(p)).map((p) => ({ ...fileEntry(p, repo.files.get(p)!), lastCommit: { id: repo.commit, title: 'upload', date: '2026-01-01T00:00:00.000Z' } })), headers);
    }
    const path = decodeURIComponent(dl![3]!);
    const f = repo.files.get(path);
    if (!f) return send(res, 404, { error: 'Entry not found' }, { ...headers, 'X-Error-Code': 'EntryNotFound' });
    if (f.lfs) {
      res.writeHead(302, { ...headers, Location: `${lfsUrl}/blobs/${f.sha256}`, 'X-Linked-Etag': `"${f.sha256}"`, 'X-Linked-Size': String(f.bytes.length), ETag: `W/"${f.gitOid}"` });
      return void res.end();
    }
    serveBytes(req, res, f.bytes, { ...headers, ETag: `"${f.gitOid}"` });
  };

  const treeEntries = (repo: Repo, prefix: string, recursive: boolean): unknown[] => {
    const dirs = new Set<string>();
    const files: unknown[] = [];
    for (const [p, f] of [...repo.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        dirs.add(prefix + rest.slice(0, slash));
        if (!recursive) continue;
        const parts = rest.split('/');
        for (let i = 1; i < parts.length - 1; i++) dirs.add(prefix + parts.slice(0, i + 1).join('/'));
      }
      files.push(fileEntry(p, f));
    }
    return [...[...dirs].sort().map((path) => ({ type: 'directory', oid: sha('sha1', path), size: 0, path })), ...files];
  };

  const fileEntry = (path: string, f: RepoFile): Record<string, unknown> => ({
    type: 'file', oid: f.gitOid, size: f.bytes.length, path,
    ...(f.lfs ? { lfs: { oid: f.sha256, size: f.bytes.length, pointerSize: 134 } } : {}),
  });

  await new Promise<void>((ok) => hub.listen(0, '127.0.0.1', ok));
  await new Promise<void>((ok) => lfsServer.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  const lfsUrl = `http://127.0.0.1:${(lfsServer.address() as AddressInfo).port}`;
  const close = (s: Server): Promise<void> => new Promise((ok) => {
    s.closeAllConnections();
    s.close(() => ok());
  });
  return {
    url, lfsUrl, githubRaw: `${url}/gh`, token, requests, faults, addRepo, addGithubFile,
    env: (hubCache, cacheDir) => ({ HF_ENDPOINT: url, HF_HUB_CACHE: hubCache, CODECONV_CACHE_DIR: cacheDir, CODECONV_GITHUB_RAW: `${url}/gh` }),
    close: async () => {
      await close(hub);
      await close(lfsServer);
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => ok(s));
    req.on('error', fail);
  });
}
