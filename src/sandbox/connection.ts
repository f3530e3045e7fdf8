import type { Readable, Writable } from 'node:stream';
import { InfraError } from '../util/errors.js';

/** Largest line accepted from a judge server; more is an infrastructure error, not buffered forever. */
const LINE_CAP = 64 * 1024 * 1024;

export interface ReadyInfo {
  ready: true;
  python: string;
  pid: number;
  preloaded: string[];
  missing: string[];
  preloadMs: number;
}

type Pending = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * One judge server (inside a container or a local subprocess) speaking JSON lines.
 * Requests are answered in order; a watchdog rejects a request whose answer does not come.
 */
export class JudgeConnection {
  private buf = '';
  private pending: Pending[] = [];
  private readyWaiter?: { resolve: (r: ReadyInfo) => void; reject: (e: Error) => void };
  private closedError?: Error;
  private seq = 0;
  ready?: ReadyInfo;

  constructor(private readonly input: Writable, output: Readable, private readonly label: string) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.onData(chunk));
    output.on('end', () => this.fail(new InfraError('JUDGE_GONE', `${label}: judge server closed its output`)));
    output.on('error', (e) => this.fail(new InfraError('JUDGE_GONE', `${label}: ${e.message}`)));
    input.on('error', (e) => this.fail(new InfraError('JUDGE_GONE', `${label}: ${e.message}`)));
  }

  get alive(): boolean {
    return !this.closedError;
  }

  waitReady(timeoutMs: number): Promise<ReadyInfo> {
    if (this.ready) return Promise.resolve(this.ready);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new InfraError('JUDGE_START', `${this.label}: judge server not ready after ${timeoutMs} ms`)), timeoutMs);
      this.readyWaiter = {
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
    });
  }

  request(body: Record<string, unknown>, watchdogMs: number): Promise<Record<string, unknown>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new InfraError('JUDGE_UNRESPONSIVE', `${this.label}: no answer within ${watchdogMs} ms`));
      }, watchdogMs);
      this.pending.push({ resolve, reject, timer });
      this.input.write(JSON.stringify({ ...body, id }) + '\n');
    });
  }

  /** Marks the connection dead and rejects everything waiting on it. */
  fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    this.readyWaiter?.reject(err);
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    if (this.buf.length > LINE_CAP) {
      this.fail(new InfraError('JUDGE_OUTPUT', `${this.label}: judge answer exceeds ${LINE_CAP} bytes`));
      return;
    }
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (line) this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.fail(new InfraError('JUDGE_PROTOCOL', `${this.label}: unreadable judge answer: ${line.slice(0, 200)}`));
      return;
    }
    if (msg.ready === true && !this.ready) {
      this.ready = msg as unknown as ReadyInfo;
      this.readyWaiter?.resolve(this.ready);
      return;
    }
    const p = this.pending.shift();
    if (!p) return;
    clearTimeout(p.timer);
    p.resolve(msg);
  }
}
