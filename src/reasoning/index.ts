/** Single-turn code reasoning (CRUXEval, CodeGlance, Case2Code) as a library. */
export * from './types.js';
export {
  checkTaskName, describeGoldOutcome, prepareTaskData, taskDatasetName, isReasoningTaskName, loadRagDocs, loadTask, parseJsonWithNaN,
  taskDataFiles, taskFamily, taskHasRag, taskReportKs,
} from './data.js';
export type { LoadTaskOptions } from './data.js';
export { ANSWER_CLOSE, ANSWER_OPEN, cutAtAnswerEnd, extractCode, postprocess, postprocessAnswer, pyStrip } from './postprocess.js';
export { judgePreload } from './preload.js';
export {
  ASSERT_TIMEOUT_S, applyScorer, checkProgram, filterReason, judgeGenerations, reportedKs, scoreGenerations,
  scoreJudged, validateGenerations,
} from './scoring.js';
export { batchBounds, runCheckBatches, spreadOrder } from './check-batches.js';
export type { CheckRunner, JudgedGenerations, ScoreCounts, ScoreOptions, ScoreResult, Verdict } from './scoring.js';
export { CASE2CODE_TIMEOUT_S, case2codeCheck, judgeCase2Code } from './case2code.js';
export type { Case2CodeOutcome } from './case2code.js';
export { buildMessages, fillTemplate, formatDocs, maskedTest, PROMPT_DIR, promptTemplate, stopSequences, templateName } from './prompts.js';
export type { PromptOptions } from './prompts.js';
export { OfflineReasoningModel, reasoningContext, reasoningLookup, type ReasoningData, splitTopLevel, unitHash, wrongLiteral } from './offline.js';
export type { ReasoningContext } from './offline.js';
export { FEATURE_BUCKETS, featureBreakdown } from './features.js';
export type { BucketStats } from './features.js';
export { processGenerations, readGenerationsFile, runReasoning, scoreFile, scoredFileContent, selectItems } from './run.js';
export type {
  ReadGenerations, ReasoningSandbox, ReasoningSummary, RunReasoningDeps, RunReasoningOptions, RunReasoningResult, ScoreFileOptions,
  UsageSummary,
} from './run.js';
