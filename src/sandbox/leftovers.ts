import { hostname } from 'node:os';
import Docker from 'dockerode';
import { pidAlive } from '../util/process.js';

export const LABEL = 'codeconv.sandbox';
export const PID_LABEL = 'codeconv.pid';
export const HOST_LABEL = 'codeconv.host';

/** A sandbox container on the engine, with who made it and whether that process is provably gone. */
export interface SandboxContainer {
  id: string;
  name: string;
  host: string | null;
  pid: number | null;
  state: string;
  createdAt: string;
  /** Made on this host by a process that no longer exists: safe to remove. */
  dead: boolean;
}

/** Every codeconv sandbox container on the engine (any host, any state). */
export async function sandboxContainers(docker: Docker, host = hostname()): Promise<SandboxContainer[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
  return list.map((c) => {
    const pid = Number(c.Labels[PID_LABEL]) || null;
    const owner = c.Labels[HOST_LABEL] ?? null;
    return {
      id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), host: owner, pid, state: c.State,
      createdAt: new Date(c.Created * 1000).toISOString(),
      // Another host's pid means nothing here: its containers may belong to a live run on an engine used by others too.
      dead: owner === host && pid !== null && !pidAlive(pid),
    };
  });
}

export async function removeContainers(docker: Docker, ids: string[]): Promise<number> {
  let removed = 0;
  for (const id of ids) {
    try {
      await docker.getContainer(id).remove({ force: true });
      removed++;
    } catch {
      // already gone (removed by its owner meanwhile)
    }
  }
  return removed;
}

/** Removes the containers left by dead processes of this host; anything else needs `codeconv-cleanup`. */
export async function removeLeftovers(docker: Docker, host = hostname()): Promise<number> {
  const dead = (await sandboxContainers(docker, host)).filter((c) => c.dead);
  return removeContainers(docker, dead.map((c) => c.id));
}

/** Sandbox containers on this engine; with ownerPid, only those a given process created. */
export async function listSandboxContainers(ownerPid?: number, socketPath = '/var/run/docker.sock'): Promise<string[]> {
  const docker = new Docker({ socketPath });
  const label = ownerPid === undefined ? [LABEL] : [LABEL, `${PID_LABEL}=${ownerPid}`];
  const list = await docker.listContainers({ all: true, filters: { label } });
  return list.map((c) => c.Id);
}
