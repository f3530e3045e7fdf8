import { z } from 'zod';

/** One command-line flag of a schema key; the type, choices and default come from the schema. */
export interface FlagSpec {
  /** The flag and its argument: '--memory-mb <n>', '--cot', '--no-cache'. */
  flag: string;
  description: string;
  /** Replaces the schema-driven argument parser (numbers, comma lists). */
  parse?: (value: string) => unknown;
  /** Commander refuses the command without it. */
  required?: boolean;
  /** Shown as the default in --help instead of the schema's (a default chosen at run time). */
  defaultText?: string;
}

/** A command's flags, declared once next to its zod schema and keyed by the schema's keys. */
export type FlagTable<S extends z.ZodRawShape> = { [K in keyof S]?: FlagSpec };

/** The schema under optional/nullable/default/effects wrappers. */
export function baseType(t: z.ZodTypeAny): z.ZodTypeAny {
  for (;;) {
    if (t instanceof z.ZodOptional || t instanceof z.ZodNullable) t = t.unwrap();
    else if (t instanceof z.ZodDefault) t = t.removeDefault();
    else if (t instanceof z.ZodEffects) t = t.innerType();
    else return t;
  }
}

/** The default a key's schema gives, or undefined when it has none. */
export function schemaDefault(t: z.ZodTypeAny): unknown {
  for (;;) {
    if (t instanceof z.ZodDefault) return (t._def as z.ZodDefaultDef).defaultValue();
    if (t instanceof z.ZodOptional || t instanceof z.ZodNullable) t = t.unwrap();
    else if (t instanceof z.ZodEffects) t = t.innerType();
    else return undefined;
  }
}
