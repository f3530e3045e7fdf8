#!/usr/bin/env node
import { hostname } from 'node:os';
import { Command } from 'commander';
import Docker from 'dockerode';
import { removeContainers, sandboxContainers, type SandboxContainer } from '../sandbox/leftovers.js';
import { InfraError } from '../util/errors.js';
import { cliMain, isEntryPoint } from './common.js';

interface Opts {
  host?: string;
  all?: boolean;
  dryRun?: boolean;
}

function buildProgram(): Command {
  return new Command('codeconv-cleanup')
    .description('Remove sandbox containers (label codeconv.sandbox: judges and run-repo containers) left on the Docker engine. By default only the provably dead: made on this host by a process that is gone')
    .option('--host <name>', 'also remove every container made on this host name (its runs must be over: their pids cannot be checked from here)')
    .option('--all', 'remove every sandbox container on the engine, live runs included')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .exitOverride()
    .action(async (o: Opts) => {
      const docker = new Docker({ socketPath: process.env.DOCKER_SOCKET ?? '/var/run/docker.sock' });
      let list: SandboxContainer[];
      try {
        list = await sandboxContainers(docker);
      } catch (err) {
        throw new InfraError('NO_DOCKER', `cannot list containers on the Docker engine (${(err as Error).message})`);
      }
      const pick = (c: SandboxContainer): boolean => !!o.all || c.dead || (o.host !== undefined && c.host === o.host);
      const chosen = list.filter(pick);
      for (const c of list) {
        const why = c.dead ? 'dead (pid gone)' : c.host === hostname() ? 'live (pid running)' : 'other host';
        process.stdout.write(`${pick(c) ? (o.dryRun ? 'would remove' : 'remove') : 'keep'}  ${c.name}  host ${c.host ?? '?'} pid ${c.pid ?? '?'}  ${c.state}  created ${c.createdAt}  ${why}\n`);
      }
      const removed = o.dryRun ? 0 : await removeContainers(docker, chosen.map((c) => c.id));
      process.stdout.write(`${list.length} sandbox container${list.length === 1 ? '' : 's'}; ${o.dryRun ? `${chosen.length} would be removed` : `${removed} removed`}, ${list.length - chosen.length} kept\n`);
    });
}

/** Runs the command line (argv without node and script); exported so tests can drive it in-process. */
export const main = cliMain('codeconv-cleanup', buildProgram);

if (isEntryPoint(import.meta.url)) void main();
