export { compareRunDirs, compareRuns, runName, toMarkdown, type Comparison, type CompareOptions, type CompareRow, type Correlation, type PairedComparison, type RunMetrics } from './compare.js';
export { applyDiff, lineDiff, splitLines, type DiffOp } from './diff.js';
export { expandRunDirs, loadRun, type RunData, type TaskOutcome, type ViewTurn } from './load.js';
export { averageRanks, bootstrapCI, mean, mulberry32, pairedBootstrapCI, pairedPermutationTest, pearson, quantile, spearman, type Interval, type PairedTest } from '../metrics/stats.js';
