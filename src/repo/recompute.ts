import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { readJsonFile } from '../util/files.js';
import { readJsonl } from '../util/jsonl.js';
import { RepoItemSchema, RepoSummarySchema, summarizeRepo, type RepoSummary } from './metrics.js';

/** Recomputes a run's summary from results.jsonl (last record per item wins, as on resume). */
export function recomputeSummary(runDir: string): { recomputed: RepoSummary; stored: RepoSummary; equal: boolean } {
  const sumFile = join(runDir, 'results_summary.json');
  if (!existsSync(sumFile)) throw new UserError('ENOENT', `${sumFile}: no such file`);
  const stored = readJsonFile(sumFile, RepoSummarySchema, 'run-repo summary');
  const byId = new Map<string, ReturnType<typeof RepoItemSchema.parse>>();
  for (const r of readJsonl(join(runDir, 'results.jsonl'), RepoItemSchema)) byId.set(r.dp_id, r);
  const items = [...byId.values()].sort((a, b) => a.idx - b.idx);
  const recomputed = summarizeRepo(items, { benchmark: stored.benchmark, model: stored.model, maxIter: stored.max_iter, synthetic: !!stored.synthetic });
  return { recomputed, stored, equal: JSON.stringify(recomputed) === JSON.stringify(stored) };
}
