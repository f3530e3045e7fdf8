import { countsOf, meanPassAtK } from '../metrics/pass-at-k.js';
import type { ReasoningItem } from './types.js';

/** Buckets of one CodeGlance code feature: label and inclusive upper bound. */
interface FeatureBuckets {
  feature: string;
  /** Group name in the summary. */
  group: string;
  bounds: [label: string, max: number][];
}

const INF = Number.POSITIVE_INFINITY;

export const FEATURE_BUCKETS: FeatureBuckets[] = [
  { group: 'complexity', feature: 'cyclomatic_complexity', bounds: [['1', 1], ['2', 2], ['3-4', 4], ['5+', INF]] },
  { group: 'trace_length', feature: 'execution_trace_length', bounds: [['1-3', 3], ['4-8', 8], ['9-30', 30], ['31+', INF]] },
  { group: 'api_count', feature: 'common_api_count', bounds: [['1-2', 2], ['3-4', 4], ['5-6', 6], ['7+', INF]] },
  { group: 'unseen_api_count', feature: 'unseen_function_count', bounds: [['1-2', 2], ['3-4', 4], ['5-6', 6], ['7+', INF]] },
  { group: 'code_lines', feature: 'code_lines', bounds: [['1-3', 3], ['4-6', 6], ['7-10', 10], ['11+', INF]] },
];

export interface BucketStats {
  feature: string;
  bucket: string;
  samples: number;
  /** Mean pass@1 x 100 over the samples in the bucket. */
  pass_at_1: number;
}

/**
 * Accuracy (pass@1) broken down by code-feature buckets, for items that carry features
 * (CodeGlance). Groups whose feature no item has are left out.
 */
export function featureBreakdown(items: ReasoningItem[], scored: Record<string, boolean[]>): Record<string, BucketStats[]> {
  const out: Record<string, BucketStats[]> = {};
  for (const spec of FEATURE_BUCKETS) {
    const groups = new Map<string, boolean[][]>(spec.bounds.map(([label]) => [label, []]));
    let any = false;
    for (const item of items) {
      if (item.family !== 'codeglance') continue;
      const v = item.features[spec.feature];
      const list = scored[item.id];
      if (v === undefined || !list) continue;
      any = true;
      const label = spec.bounds.find(([, max]) => v <= max)![0];
      groups.get(label)!.push(list);
    }
    if (!any) continue;
    out[spec.group] = spec.bounds
      .map(([label]) => ({ feature: spec.feature, bucket: label, samples: groups.get(label)!.length, pass_at_1: meanPassAtK(groups.get(label)!.map(countsOf), 1) * 100 }))
      .filter((b) => b.samples > 0);
  }
  return out;
}
