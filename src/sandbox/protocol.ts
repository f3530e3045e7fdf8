import { z } from 'zod';

/**
 * The judge server's JSON-lines protocol (src/sandbox/python/codeconv_judge/server.py), checked on
 * arrival. Any reply may instead be an error ({error, clean?}) when the server could not handle it.
 */

/** First line of a judge server: what it runs and what it pre-imported. */
export const readySchema = z.object({
  ready: z.literal(true),
  python: z.string(),
  pid: z.number().int(),
  preloaded: z.array(z.string()),
  missing: z.array(z.string()),
  preloadMs: z.number(),
});
export type ReadyInfo = z.infer<typeof readySchema>;

/** Fields the server adds to every judgment it ran (unittest and syntax replies). */
const judgmentMeta = {
  durationMs: z.number().optional(),
  timedOut: z.boolean().optional(),
  oom: z.boolean().optional(),
  clean: z.boolean().optional(),
  unclean: z.string().optional(),
  exit: z.object({ signal: z.number().nullable(), code: z.number().nullable() }).optional(),
  error: z.string().optional(),
};

export const unittestReplySchema = z.object({
  ...judgmentMeta,
  status: z.string().optional(),
  details: z.record(z.string()).optional(),
  tests: z.array(z.string()).optional(),
  compatOrder: z.array(z.string()).optional(),
});

/**
 * One check. A child whose guards failed reports {status, details} without ok: a failure. An item
 * of another shape can only come from judged code forging its result: a failure too, not a crash.
 */
const checkResultSchema = z
  .object({
    ok: z.boolean().optional(),
    timedOut: z.boolean(),
    error: z.string().optional(),
    value: z.unknown().optional(),
    durationMs: z.number(),
    details: z.record(z.string()).optional(),
  })
  .transform(({ ok, details, error, ...rest }) => ({
    ...rest,
    ok: ok === true,
    ...(error !== undefined ? { error } : ok === true ? {} : { error: details?.ALL ?? 'the check reported no outcome' }),
  }))
  .catch({ ok: false, timedOut: false, error: 'malformed check result', durationMs: 0 });

export const checksReplySchema = z.object({
  results: z.array(checkResultSchema).optional(),
  clean: z.boolean().optional(),
  error: z.string().optional(),
});

export const syntaxReplySchema = z.object({ ...judgmentMeta, ok: z.boolean().optional() });

export const pingReplySchema = z.object({ pong: z.literal(true).optional(), error: z.string().optional() });

const replySchemas = {
  unittest: unittestReplySchema,
  checks: checksReplySchema,
  syntax: syntaxReplySchema,
  ping: pingReplySchema,
} as const;

export type RequestKind = keyof typeof replySchemas;
export type ReplyOf<K extends RequestKind> = z.infer<(typeof replySchemas)[K]>;

/** Requests the host sends; the connection adds the id. */
export type JudgeRequest =
  | { kind: 'unittest'; solution: string; test: string; timeout: number; fresh: boolean }
  | { kind: 'checks'; items: { code: string; timeout: number }[]; fresh: boolean }
  | { kind: 'syntax'; code: string }
  | { kind: 'ping' };

/** Each reply names the request it answers; a reply without a known id cannot be routed. */
export const envelopeSchema = z.object({ id: z.number().int() }).passthrough();

/** The field that makes a reply an answer of its kind (an error reply has `error` instead). */
const KIND_BODY: Record<RequestKind, string> = { unittest: 'status', checks: 'results', syntax: 'ok', ping: 'pong' };

/** Checks a reply against its request kind's schema; returns the data or a one-line reason. */
export function parseReply<K extends RequestKind>(kind: K, msg: unknown): { ok: true; value: ReplyOf<K> } | { ok: false; why: string } {
  const r = replySchemas[kind].safeParse(msg);
  if (r.success) {
    const value = r.data as ReplyOf<K> & Record<string, unknown>;
    if (value[KIND_BODY[kind]] !== undefined || value.error !== undefined) return { ok: true, value };
    return { ok: false, why: `${kind} reply has neither ${KIND_BODY[kind]} nor error` };
  }
  const issue = r.error.issues[0]!;
  return { ok: false, why: `${kind} reply field ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}
