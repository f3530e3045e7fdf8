import { z } from 'zod';
import { defaultSlots } from './slots.js';

/** Warm slots judging at once: 2 per core (with the queue: judgments in flight). */
const parallel = z.number().int().positive().default(() => defaultSlots());
const memoryMb = z.number().int().positive().optional();
const image = z.string().min(1).optional();
/** Modules the warm judge imports once so each judgment skips their import cost. */
const preload = z.string().optional();

export const DockerSpecSchema = z.object({
  kind: z.literal('docker'), parallel, image, memoryMb, preload,
  cpus: z.number().positive().optional(),
  pidsLimit: z.number().int().positive().optional(),
  tmpfsMb: z.number().int().positive().optional(),
  socketPath: z.string().optional(),
}).strict();

export const LocalSpecSchema = z.object({
  kind: z.literal('local'), parallel, preload,
  python: z.string().optional(),
  /** Use bubblewrap when it is installed (default true). */
  bwrap: z.boolean().optional(),
}).strict();

export const QueueSpecSchema = z.object({
  kind: z.literal('queue'),
  /** redis://[:password@]host:port[/db] or rediss://... */
  url: z.string().min(1),
  /** Where the URL came from, for error messages (an option or a config file key). */
  source: z.string().optional(),
  /** The image workers must have ("local": workers with --sandbox local) and their limits. */
  image, memoryMb,
  /** How long Redis may be unreachable before the run stops (default 10 s). */
  lostAfterMs: z.number().int().positive().optional(),
}).strict();

/** run-repo's Django containers: one fresh container per judgment. */
export const RepoSpecSchema = z.object({
  kind: z.literal('repo'),
  parallel: z.number().int().positive().default(1),
  image, memoryMb,
  cpus: z.number().positive().optional(),
}).strict();

/** Every sandbox a command can run code in, by kind: the one source of the sandbox options. */
export const SandboxSpecSchema = z.discriminatedUnion('kind', [DockerSpecSchema, LocalSpecSchema, QueueSpecSchema, RepoSpecSchema]);
export type SandboxSpec = z.input<typeof SandboxSpecSchema>;
export type SandboxKind = SandboxSpec['kind'];
/** The sandboxes that run judge.py (every kind but run-repo's Django containers). */
export type JudgeSpec = Exclude<SandboxSpec, { kind: 'repo' }>;

/** A kind's options as its class takes them (the defaults filled in, no kind). */
export type SpecOptions<S extends z.ZodTypeAny> = Omit<z.output<S>, 'kind'>;
