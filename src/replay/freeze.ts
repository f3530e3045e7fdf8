import { basename, resolve } from 'node:path';
import { loadTasks } from '../tasks/bigcodebench.js';
import { UserError } from '../util/errors.js';
import { checkDatasetVersion } from './bench.js';
import { fileSha256 } from './canonical.js';
import { loadReference } from './load.js';
import { referenceHash, writeReferenceFile } from './reference-file.js';
import type { LoadedReference, ReferenceFile } from './types.js';

export interface FreezeOptions {
  /** Run directory, reference file, or ConvCodeBench logs; several are merged (one setting each). */
  run: string | string[];
  out: string;
  /** For imported logs: stamp this dataset (its name and hash) after checking every task is in it. */
  dataset?: string;
  referenceModel?: string;
}

export interface FreezeResult {
  file: string;
  doc: ReferenceFile;
  tasks: number;
  settings: string[];
}

/** Writes a self-describing, hash-protected reference file from any reference source. */
export async function freezeReference(o: FreezeOptions): Promise<FreezeResult> {
  const sources = Array.isArray(o.run) ? o.run : [o.run];
  if (!sources.length) throw new UserError('MISSING_OPTION', 'freeze needs at least one --run');
  const parts: LoadedReference[] = [];
  for (const src of sources) parts.push(await loadReference(src, o.referenceModel ? { referenceModel: o.referenceModel } : {}));
  const loaded = mergeReferences(parts, sources);
  const ref = loaded.reference;
  if (o.dataset) {
    const file = resolve(o.dataset);
    checkDatasetVersion(loaded, file, sources.join(', '));
    const ids = new Set(loadTasks(file).map((t) => t.task_id));
    for (const [setting, { tasks }] of Object.entries(ref.settings)) {
      const missing = tasks.find((t) => !ids.has(t.task_id));
      if (missing) throw new UserError('UNKNOWN_TASK', `reference task ${missing.task_id} (${setting}) is not in dataset ${file}`);
    }
    ref.dataset = { name: basename(file), sha256: fileSha256(file) };
  }
  const out = resolve(o.out);
  const doc = writeReferenceFile(out, ref);
  const settings = Object.keys(ref.settings);
  return { file: out, doc, tasks: Math.max(0, ...settings.map((s) => ref.settings[s]!.tasks.length)), settings };
}

/**
 * One reference from several (e.g. one run directory per setting): same reference model, dataset,
 * turns, protocol, prompt templates and time limit, and no setting twice.
 */
export function mergeReferences(parts: LoadedReference[], labels: string[]): LoadedReference {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!.reference;
  const merged = { ...first, settings: { ...first.settings } };
  parts.slice(1).forEach((p, k) => {
    const r = p.reference;
    const label = labels[k + 1]!;
    const same = (what: string, a: unknown, b: unknown): void => {
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new UserError('REFERENCE_MERGE', `cannot merge ${label} with ${labels[0]}: different ${what} (${JSON.stringify(b)} vs ${JSON.stringify(a)})`);
    };
    same('reference model', first.reference_model, r.reference_model);
    same('dataset', first.dataset, r.dataset);
    same('number of turns', first.max_turns, r.max_turns);
    same('protocol', first.protocol, r.protocol);
    same('prompt templates', first.prompts_sha256, r.prompts_sha256);
    same('time limit', first.timeout_s, r.timeout_s);
    for (const [s, v] of Object.entries(r.settings)) {
      if (merged.settings[s]) throw new UserError('REFERENCE_MERGE', `cannot merge ${label}: setting ${s} is already given by another source`);
      merged.settings[s] = v;
    }
    merged.synthetic ||= r.synthetic;
    if (merged.user_model !== r.user_model) merged.user_model = merged.user_model ?? r.user_model;
  });
  merged.source = { ...first.source, name: parts.map((p) => p.reference.source.name).join(' + ') };
  return { reference: merged, sha256: referenceHash(merged), file: parts[0]!.file, ...(parts[0]!.datasetPath ? { datasetPath: parts[0]!.datasetPath } : {}) };
}
