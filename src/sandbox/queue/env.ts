import { DockerSandbox } from '../docker.js';
import { LocalSandbox } from '../local.js';
import { envFromId, type QueueEnv } from './protocol.js';

/**
 * The environment a coordinator's jobs name: workers built from the same sandbox options report the
 * same id (image, judge and limits). "local" means workers run with --sandbox local (this host's python3 version).
 */
export function coordinatorEnv(image?: string, limits: { memoryMb?: number } = {}): QueueEnv {
  if (image === 'local') return envFromId(new LocalSandbox({ parallel: 1 }).environmentId());
  return envFromId(new DockerSandbox({ parallel: 1, image, ...limits }).environmentId());
}
