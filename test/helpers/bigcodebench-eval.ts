import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { isDatasetName } from '../../src/data/prepare.js';
import { DockerSandbox } from '../../src/sandbox/docker.js';
import { dockerReady } from './docker.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The shared material next to the project: data sets and reference results. */
export const SHARED = join(ROOT, '..', 'shared');
const DATASET_COPY = join(SHARED, 'data', 'bigcodebench', 'bigcodebench-v0.1.4.jsonl');
/** By name through the test run's Hub double (test/setup) when it serves the copy; else the copy itself. */
export const DATASET = process.env.HF_ENDPOINT?.startsWith('http://127.0.0.1:') && existsSync(DATASET_COPY) ? 'bigcodebench@v0.1.4' : DATASET_COPY;
/** Reference failures whose missing data or library the image now supplies: expected to pass here. */
export const SUPPLIED = JSON.parse(readFileSync(join(ROOT, 'resources', 'bigcodebench-supplied.json'), 'utf8')).tasks as Record<string, string>;

/** Why a BigCodeBench run in Docker cannot run here: the first missing file, else what Docker lacks; '' when it can. */
export function evalSkipReason(...files: string[]): string {
  const absent = files.find((f) => !existsSync(f) && !isDatasetName(f));
  return absent ? `missing ${absent}` : dockerReady().why;
}

/** A describe title that says why the block is skipped, if it is. */
export const titled = (title: string, why: string): string => `${title}${why ? ` (skipped: ${why})` : ''}`;

/** Inside a describe block: a Docker sandbox (parallel 2) and an output directory, closed and removed after all its tests. */
export function evalSandbox(prefix: string): { out: string; sb: DockerSandbox } {
  const out = mkdtempSync(join(tmpdir(), prefix));
  const sb = new DockerSandbox({ parallel: 2 });
  afterAll(async () => {
    await sb.close();
    rmSync(out, { recursive: true, force: true });
  });
  return { out, sb };
}
