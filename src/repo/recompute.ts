import { join } from 'node:path';
import { readJsonFile } from '../util/files.js';
import { readJsonl, readJsonlTolerant } from '../util/jsonl.js';
import { RepoItemSchema, RepoSummarySchema, summarizeRepo, type RepoItem, type RepoSummary } from './metrics.js';

/**
 * A run-repo directory read back: its stored summary and its records (last per item wins, as on
 * resume), in task order. `strict` refuses a torn last line or a missing results.jsonl.
 */
export function readRepoRun(runDir: string, strict = false): { stored: RepoSummary; records: RepoItem[] } {
  const stored = readJsonFile(join(runDir, 'results_summary.json'), RepoSummarySchema, 'run-repo summary');
  const byId = new Map<string, RepoItem>();
  for (const r of (strict ? readJsonl : readJsonlTolerant)(join(runDir, 'results.jsonl'), RepoItemSchema)) byId.set(r.dp_id, r);
  return { stored, records: [...byId.values()].sort((a, b) => a.idx - b.idx) };
}

/** The summary recomputed from a run's records, with what the stored summary says. */
export function recomputeSummary(runDir: string): { recomputed: RepoSummary; stored: RepoSummary; equal: boolean } {
  const { stored, records } = readRepoRun(runDir, true);
  const recomputed = summarizeRepo(records, { benchmark: stored.benchmark, model: stored.model, maxIter: stored.max_iter, synthetic: !!stored.synthetic });
  return { recomputed, stored, equal: JSON.stringify(recomputed) === JSON.stringify(stored) };
}
