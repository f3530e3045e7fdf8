export * from './types.js';
export { DockerSandbox, listSandboxContainers, removeLeftovers } from './docker.js';
export { LocalSandbox, LOCAL_SANDBOX_WARNING } from './local.js';
export { calibratedSolution } from './program.js';
export { SandboxSpecSchema, type JudgeSpec, type SandboxKind, type SandboxSpec } from './spec.js';
