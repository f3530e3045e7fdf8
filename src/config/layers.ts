import { existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { readUserFile } from '../util/files.js';
import { issuePath, zodIssueLine } from '../util/options.js';

/** One source of config values: a YAML file, or the command line. `file` names it in errors. */
export interface ConfigLayer {
  file: string;
  values: Record<string, unknown>;
}

/** Reads a YAML config; a bad file names the file, the key and the reason. */
export function readYamlConfig(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new UserError('NO_CONFIG', `${file}: no such config file`);
  const text = readUserFile(file);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UserError('BAD_CONFIG', `${file}: invalid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UserError('BAD_CONFIG', `${file}: expected a mapping of keys`);
  return doc as Record<string, unknown>;
}

/** The defaults file, an optional --config file and the command line, in that order. */
export function fileLayers(defaults: string, configFile: string | undefined, flags: Record<string, unknown>, flagsName = 'command line'): ConfigLayer[] {
  const layers: ConfigLayer[] = [{ file: defaults, values: readYamlConfig(defaults) }];
  if (configFile) layers.push({ file: configFile, values: readYamlConfig(configFile) });
  layers.push({ file: flagsName, values: flags });
  return layers;
}

/**
 * Merges the layers (later wins, mappings merged key by key) and parses the result. Every layer is
 * checked: a bad key or value in a file is an error even when a later layer overrides it (cross-key
 * rules wait for the final merge). The error blames the layer that sets the key.
 */
export function resolveLayers<S extends z.ZodTypeAny>(schema: S, layers: ConfigLayer[]): z.output<S> {
  const merged: Record<string, unknown> = {};
  layers.forEach((layer, i) => {
    deepMerge(merged, structuredClone(layer.values));
    if (i === layers.length - 1) return;
    const r = schema.safeParse(merged);
    const own = r.success ? [] : r.error.issues.filter((iss) => iss.code !== 'custom' && hasPath(layer.values, issuePath(iss)));
    if (own.length) throw new UserError('BAD_CONFIG', zodIssueLine(new z.ZodError(own), layer.file));
  });
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const from = (path: (string | number)[]): string =>
      [...layers].reverse().find((l) => hasPath(l.values, path))?.file ?? layers[layers.length - 1]?.file ?? 'config';
    throw new UserError('BAD_CONFIG', zodIssueLine(parsed.error, from));
  }
  return parsed.data as z.output<S>;
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (v === undefined) continue;
    const cur = into[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else into[k] = v;
  }
}

function hasPath(obj: Record<string, unknown>, path: (string | number)[]): boolean {
  let cur: unknown = obj;
  for (const p of path) {
    if (!cur || typeof cur !== 'object' || !(p in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[p as string];
  }
  // The command line lists every option, set or not: an unset one blames no layer.
  return cur !== undefined;
}
