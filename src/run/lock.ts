import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { maskSecrets } from '../util/secrets.js';
import { withFile } from '../util/write-error.js';
import { UserError } from '../util/errors.js';
import { pidAlive } from '../util/process.js';
import { versioned, versionField } from './format.js';

export const LOCK_FILE = '.lock';

const HolderSchema = z.object({ version: versionField, pid: z.number().int(), host: z.string(), started: z.string(), command: z.string() });
type Holder = z.infer<typeof HolderSchema>;

export interface RunLock {
  file: string;
  release(): void;
}

const held = new Set<string>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // A process that exits without release() (an error, process.exit) frees its run directories.
  process.once('exit', () => { for (const f of held) rmSync(f, { force: true }); });
}

/**
 * Takes the exclusive lock on a run directory: a second process (or a second run in this one) gets
 * a UserError naming the holder. A lock left by a dead process on this host is taken over.
 */
export function lockRunDir(dir: string): RunLock {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(file);
      if (holder && holder.host === hostname() && !pidAlive(holder.pid) && attempt === 0) {
        rmSync(file, { force: true }); // stale: its process is gone
        continue;
      }
      const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.started} (${maskSecrets(holder.command)})` : 'another process (its lock file is unreadable)';
      throw new UserError('RUN_LOCKED', `${dir} is in use by ${who}; wait for it to finish, or remove ${file} if that process is gone`);
    }
    const me: Holder = versioned({ pid: process.pid, host: hostname(), started: new Date().toISOString(), command: maskSecrets(process.argv.slice(1).join(' ')) });
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
    } catch (err) {
      closeSync(fd);
      rmSync(file, { force: true });
      throw withFile(err, file);
    }
    closeSync(fd);
    held.add(file);
    hookExit();
    return {
      file,
      release: () => {
        if (!held.delete(file)) return;
        rmSync(file, { force: true });
      },
    };
  }
  throw new UserError('RUN_LOCKED', `${dir}: could not take the lock ${file}`);
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = HolderSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
