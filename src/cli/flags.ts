import { Option, type Command } from 'commander';
import { z } from 'zod';
import { baseType, schemaDefault, type FlagTable } from '../config/flags.js';
import { UserError } from '../util/errors.js';
import { csv } from './common.js';

export interface AddFlagsOptions {
  /**
   * 'set' (default): commander fills the schema's default, and --help shows it. 'show': --help shows
   * it but the value stays unset, for commands whose defaults come from a config layer.
   */
  defaults?: 'set' | 'show';
}

/**
 * Declares a table's flags on a command: numbers are checked by the key's own schema (the error
 * names the flag), enums become choices, arrays are comma lists, and the default is the schema's.
 */
export function addFlags<S extends z.ZodRawShape>(cmd: Command, schema: z.ZodObject<S>, table: FlagTable<S>, o: AddFlagsOptions = {}): Command {
  for (const [key, spec] of Object.entries(table) as [keyof S & string, NonNullable<FlagTable<S>[keyof S]>][]) {
    const field = schema.shape[key] as z.ZodTypeAny;
    const base = baseType(field);
    const opt = new Option(spec.flag, spec.description);
    const name = spec.flag.split(/[ ,]/)[0]!;
    if (spec.parse) opt.argParser(spec.parse);
    else if (base instanceof z.ZodNumber) opt.argParser(numberFlag(name, field));
    else if (base instanceof z.ZodArray) opt.argParser(csv);
    if (spec.required) opt.makeOptionMandatory();
    if (base instanceof z.ZodEnum) opt.choices(base.options as string[]);
    const dflt = schemaDefault(field);
    const negated = name.startsWith('--no-');
    if (spec.defaultText !== undefined) {
      if (o.defaults !== 'show' && dflt !== undefined) opt.default(dflt, spec.defaultText);
      else opt.description = `${spec.description} (default: ${spec.defaultText})`;
    }
    else if (dflt !== undefined && !negated && typeof dflt !== 'boolean') {
      if (o.defaults === 'show') opt.description = `${spec.description} (default: ${JSON.stringify(dflt)})`;
      else opt.default(dflt);
    }
    cmd.addOption(opt);
  }
  return cmd;
}

/** The table with a defaults file's values as the defaults --help shows (the schema's for keys it leaves out). */
export function withFileDefaults<T extends FlagTable<z.ZodRawShape>>(table: T, values: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const v = values[key];
    // A list is shown as the comma list its flag takes; booleans are the --no- flags' and go unshown.
    const text = Array.isArray(v) ? JSON.stringify(v.join(',')) : v !== undefined && typeof v !== 'boolean' && typeof v !== 'object' ? JSON.stringify(v) : undefined;
    out[key] = spec!.defaultText === undefined && text !== undefined ? { ...spec, defaultText: text } : spec;
  }
  return out as T;
}

/** Flag values under the schema's keys (commander names them after the flag: --timeout -> timeout). */
export function flagValues<S extends z.ZodRawShape>(opts: Record<string, unknown>, table: FlagTable<S>): { [K in keyof S]?: unknown } {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const attr = new Option(spec!.flag).attributeName();
    if (opts[attr] !== undefined) out[key] = opts[attr];
  }
  return out as { [K in keyof S]?: unknown };
}

function numberFlag(name: string, field: z.ZodTypeAny): (v: string) => number {
  return (v: string) => {
    const n = v.trim() === '' ? NaN : Number(v);
    const r = field.safeParse(n);
    if (!Number.isFinite(n) || !r.success) {
      const why = Number.isFinite(n) ? r.error!.issues[0]!.message.toLowerCase() : 'expected a number';
      throw new UserError('BAD_OPTION', `${name}: ${why}, got "${v}"`);
    }
    return n;
  };
}
