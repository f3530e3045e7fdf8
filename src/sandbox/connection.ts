import type { Readable, Writable } from 'node:stream';
import { InfraError } from '../util/errors.js';
import { envelopeSchema, parseReply, readySchema, type JudgeRequest, type ReadyInfo, type ReplyOf, type RequestKind } from './protocol.js';

export type { ReadyInfo } from './protocol.js';

/** Largest line accepted from a judge server; more is an infrastructure error, not buffered forever. */
const LINE_CAP = 64 * 1024 * 1024;

type Pending = { kind: RequestKind; resolve: (v: never) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * One judge server (inside a container or a local subprocess) speaking JSON lines.
 * Every message is checked against the protocol schemas; replies are matched to requests by id,
 * and a watchdog rejects a request whose answer does not come.
 */
export class JudgeConnection {
  private buf = '';
  private readonly pending = new Map<number, Pending>();
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

  /** Sends one request; resolves with its checked reply, rejects with JUDGE_PROTOCOL when the reply is malformed. */
  request<B extends JudgeRequest>(body: B, watchdogMs: number): Promise<ReplyOf<B['kind']>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new InfraError('JUDGE_UNRESPONSIVE', `${this.label}: no answer within ${watchdogMs} ms`));
      }, watchdogMs);
      this.pending.set(id, { kind: body.kind, resolve: resolve as (v: never) => void, reject, timer });
      this.input.write(JSON.stringify({ ...body, id }) + '\n');
    });
  }

  /** Marks the connection dead and rejects everything waiting on it. */
  fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    this.readyWaiter?.reject(err);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
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

  private protocolError(why: string): void {
    this.fail(new InfraError('JUDGE_PROTOCOL', `${this.label}: ${why}`));
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.protocolError(`unreadable judge answer: ${line.slice(0, 200)}`);
      return;
    }
    if (!this.ready) {
      const ready = readySchema.safeParse(msg);
      if (!ready.success) {
        this.protocolError(`first judge message is not a ready message: ${line.slice(0, 200)}`);
        return;
      }
      this.ready = ready.data;
      this.readyWaiter?.resolve(this.ready);
      return;
    }
    const env = envelopeSchema.safeParse(msg);
    if (!env.success) {
      // The server answers a request it could not read with an error but no id.
      const error = (msg as { error?: unknown } | null)?.error;
      this.protocolError(typeof error === 'string' ? `judge rejected a request: ${error}` : `judge reply without id: ${line.slice(0, 200)}`);
      return;
    }
    const p = this.pending.get(env.data.id);
    if (!p) {
      this.protocolError(`judge reply for unknown request id ${env.data.id}`);
      return;
    }
    this.pending.delete(env.data.id);
    clearTimeout(p.timer);
    const reply = parseReply(p.kind, msg);
    if (reply.ok) p.resolve(reply.value as never);
    else p.reject(new InfraError('JUDGE_PROTOCOL', `${this.label}: ${reply.why}`));
  }
}
