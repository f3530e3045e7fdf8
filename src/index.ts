/** The library API: every command's core, and the interfaces a caller plugs in. */
export { runWorld, defaultRunDir, type RunWorldDeps, type RunWorldResult, type WorldReporter } from './world/run-world.js';
export { resolveWorldConfig, readYamlConfig, WorldConfigSchema, DEFAULT_CONFIG_FILE, type WorldConfig } from './config/world.js';
export { runBench, type BenchDeps, type BenchReporter, type BenchOptions, type BenchResult } from './replay/bench.js';
export { freezeReference } from './replay/freeze.js';
export { runReasoning, scoreFile, type RunReasoningDeps, type RunReasoningOptions, type RunReasoningResult, type ScoreFileOptions } from './reasoning/run.js';
export type { ScoreResult } from './reasoning/scoring.js';
export { reasoningSandbox } from './reasoning/preload.js';
export { runEval, type RunEvalDeps, type RunEvalOptions, type RunEvalResult } from './eval/run-eval.js';
export { compareRuns, compareRunDirs, toMarkdown, type Comparison, type CompareOptions } from './compare/compare.js';
export { startViewServer, type ViewOptions, type ViewServer } from './view/server.js';
export { toHtml, type HtmlOptions } from './view/snapshot.js';
export { DEFAULT_PROTOCOL, PROFILES, PROTOCOL_NAMES, profileOf, type ProtocolName, type ProtocolOptions, type ProtocolProfile } from './episode/protocol.js';
export { ComparabilitySchema, type Comparability } from './world/comparability.js';
export { parseSetting, SETTING_NAMES, type Setting, type SettingName } from './episode/settings.js';
export type { EpisodeRecord, TurnRecord } from './episode/record.js';
// LocalSandbox: scripts/bench-local-envid.mjs measures its environment id against a subclass.
export { createSandbox, LocalSandbox, type Sandbox, type ExecResult, type SandboxOptions } from './sandbox/index.js';
export { createModel, ModelError, type ChatModel, type ChatMessage, type GenerateOptions, type Generation } from './models/index.js';
export { loadTasks, loadTaskSet, type BigCodeBenchTask, type TaskSet } from './tasks/bigcodebench.js';
export { datasetIdentity, datasetSpec, isDatasetName, listDatasetNames, prepareDataset, type DatasetRef } from './data/index.js';
export { combineReporters, type Reporter } from './report/reporter.js';
export { progressReporter } from './report/progress-reporter.js';
export { runRepo, type RepoReporter, type RunRepoResult } from './repo/run.js';
export { buildRepoTasks, type BuildResult } from './repo/build.js';
export { checkRepoTasks, type CheckRepoTasksOptions, type CheckRepoTasksResult } from './repo/check.js';
export type { RepoSandbox } from './repo/sandbox.js';
export { runSynth, type SynthDeps, type SynthOptions } from './reasoning/synth/pipeline.js';
export { verifySynthSamples, type VerifySynthOptions, type VerifySynthResult } from './reasoning/synth/verify.js';
// Until createSandbox builds queue sandboxes: scripts/bench-queue.mjs times the queue against a direct pool.
export { defaultSlots } from './sandbox/slots.js';
export { coordinatorEnv, QueueSandbox } from './sandbox/queue/index.js';
