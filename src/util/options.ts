import type { z } from 'zod';
import { UserError } from './errors.js';

/** The key an issue is about (an unrecognized key's own name, not its parent's). */
export const issuePath = (issue: z.ZodIssue): (string | number)[] => (issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path);

/** First zod issue as "field "a.b": message" (or the message alone for the top level). */
export function issueText(err: z.ZodError): string {
  const issue = err.issues[0]!;
  const path = issuePath(issue);
  return `${path.length ? `field "${path.join('.')}": ` : ''}${issue.message}`;
}

/**
 * The first issue of a failed parse as one line, `<from>: key "<key>": <reason>`. An unknown key is
 * reported by zod on its parent: the line names the key itself. `from` names where the value came
 * from (a file, "command line", "options"), or picks it by the key's path.
 */
export function zodIssueLine(error: z.ZodError, from: string | ((path: (string | number)[]) => string)): string {
  const issue = error.issues[0]!;
  const path = issuePath(issue);
  const key = path.join('.') || '(top level)';
  return `${typeof from === 'string' ? from : from(path)}: key "${key}": ${issue.message}`;
}

/**
 * A command's options through its schema: the defaults filled in, a bad value a one-line
 * UserError naming the key. Library callers and the command line get the same defaults this way.
 */
export function parseOptions<S extends z.ZodTypeAny>(schema: S, input: unknown, from = 'options'): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new UserError('BAD_OPTION', zodIssueLine(r.error, from));
  return r.data as z.output<S>;
}
