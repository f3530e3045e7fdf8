import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readRunConfig } from '../run/config.js';
import { UserError } from '../util/errors.js';
import { countJournalLines } from './journal.js';

/** A run-eval directory (BigCodeBench samples judged): per task, its samples' statuses. */
export interface EvalRunData {
  dir: string;
  label: string;
  samples: string;
  dataset: string;
  tasks: { id: string; statuses: string[] }[];
  /** As eval_results.json reports it (0..1). */
  passAtK: Record<string, number>;
  /** Samples judged so far (eval_progress.jsonl lines). */
  judged: number;
  finished: boolean;
  timeoutS?: number;
  calibrated?: boolean;
}

export function loadEvalRun(dir: string): EvalRunData {
  const cfg = readRunConfig(dir) ?? {};
  const file = join(dir, 'eval_results.json');
  let res: { eval?: Record<string, { status?: string }[]>; pass_at_k?: Record<string, number> } = {};
  if (existsSync(file)) {
    try {
      res = JSON.parse(readFileSync(file, 'utf8')) as typeof res;
    } catch (err) {
      throw new UserError('BAD_RUN', `${file}: unreadable (${(err as Error).message.split('\n')[0]})`);
    }
  }
  const tasks = Object.entries(res.eval ?? {}).map(([id, list]) => ({ id, statuses: (Array.isArray(list) ? list : []).map((e) => String(e.status ?? '?')) }));
  const name = (x: unknown): string => (typeof x === 'string' ? basename(x) : 'canonical');
  return {
    dir, label: basename(dir),
    samples: name(cfg.samples), dataset: name(cfg.dataset),
    tasks, passAtK: res.pass_at_k ?? {},
    judged: countJournalLines(join(dir, 'eval_progress.jsonl')),
    finished: existsSync(file),
    ...(typeof cfg.timeoutS === 'number' ? { timeoutS: cfg.timeoutS } : {}),
    ...(typeof cfg.calibrated === 'boolean' ? { calibrated: cfg.calibrated } : {}),
  };
}
