/** The library API: every command's core, and the interfaces a caller plugs in. */
export { runWorld, defaultRunDir, type RunWorldDeps, type RunWorldResult, type WorldReporter } from './world/run-world.js';
export { resolveWorldConfig, readYamlConfig, WorldConfigSchema, DEFAULT_CONFIG_FILE, type WorldConfig } from './config/world.js';
export { runBench, type BenchDeps, type BenchReporter, type BenchOptions, type BenchResult } from './replay/bench.js';
export { freezeReference } from './replay/freeze.js';
export { runReasoning, type RunReasoningDeps, type RunReasoningOptions } from './reasoning/run.js';
export { runEval, type RunEvalDeps, type RunEvalOptions, type RunEvalResult } from './eval/run-eval.js';
export { compareRuns, compareRunDirs, toMarkdown, type Comparison, type CompareOptions } from './compare/compare.js';
export { runEpisode, type EpisodeSource, type EpisodeDeps } from './episode/runner.js';
export type { ProtocolOptions } from './episode/protocol.js';
export { parseSetting, SETTING_NAMES, type Setting, type SettingName } from './episode/settings.js';
export type { EpisodeRecord, TurnRecord } from './episode/record.js';
export { createSandbox, DockerSandbox, LocalSandbox, type Sandbox, type ExecResult, type SandboxOptions } from './sandbox/index.js';
export { createModel, ModelError, type ChatModel, type ChatMessage, type GenerateOptions, type Generation } from './models/index.js';
export { OfflineCoder } from './offline/coder.js';
export { OfflineUser } from './offline/user.js';
export { loadTasks, type BigCodeBenchTask } from './tasks/bigcodebench.js';
