export { QueueSandbox, type QueueSandboxOptions } from './sandbox.js';
export { QueueWorker, startWorker, WorkerOptionsSchema, type QueueWorkerOptions, type WorkerOptions, type WorkerSandbox } from './worker.js';
export { coordinatorEnv } from './env.js';
export { parseQueueUrl, mask } from './url.js';
export { envFromId, queueName, type QueueEnv, type WorkerInfo } from './protocol.js';
export { listWorkers } from './workers.js';
