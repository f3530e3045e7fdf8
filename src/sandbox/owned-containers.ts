import { spawnSync } from 'node:child_process';

/** Containers this process created (ids or names), removed when it exits even if close() is never reached. */
const owned = new Set<string>();
let exitHooked = false;

/**
 * Removes this process's containers at exit. No signal handlers here: the CLI owns signals and
 * exits (which runs this); a library user that dies of a signal leaves containers that the next
 * start-up on this host removes (their pid is dead).
 */
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    if (owned.size === 0) return;
    spawnSync('docker', ['rm', '-f', ...owned], { stdio: 'ignore', timeout: 30_000 });
    owned.clear();
  });
}

/** Marks a container as this process's own: it is removed at exit unless released first. */
export function ownContainer(idOrName: string): void {
  hookExit();
  owned.add(idOrName);
}

/** The container is gone (or handed over): nothing to remove at exit. */
export function releaseContainer(idOrName: string): void {
  owned.delete(idOrName);
}
