/** Outcome of judging one program against a unittest suite (BigCodeBench semantics). */
export type ExecStatus = 'pass' | 'fail' | 'timeout';

export interface ExecResult {
  status: ExecStatus;
  /** Failing or erroring test method -> traceback; "ALL" for errors outside the tests. */
  details: Record<string, string>;
  /** Test methods of class TestCases in source order (from the test's AST). */
  tests: string[];
  /** First function definitions inside any class, in AST walk order (ConvCodeWorld's quirk). */
  compatOrder: string[];
  timedOut: boolean;
  oom: boolean;
  durationMs: number;
}

export interface UnittestJob {
  /** Full solution text (already calibrated if wanted). */
  solution: string;
  /** The task's unittest source defining class TestCases. */
  test: string;
  /** Whole-suite limit in seconds. */
  timeoutS: number;
  /** Baseline only: run in a fresh interpreter instead of a forked pre-imported child. */
  fresh?: boolean;
}

/** One isolated snippet run (reasoning scoring): ok unless it raises or times out. */
export interface CheckItem {
  code: string;
  timeoutS: number;
}

export interface CheckResult {
  ok: boolean;
  timedOut: boolean;
  error?: string;
  /** JSON value of a global `__result__` the code assigned, when present. */
  value?: unknown;
  durationMs: number;
}

/** How a batch of checks runs: `fresh` interpreters, with string-hash seed `hashSeed` (default: random per child). */
export interface CheckOptions {
  fresh?: boolean;
  hashSeed?: number;
}

export interface SyntaxResult {
  ok: boolean;
  /** Traceback text of the SyntaxError when ok is false. */
  error?: string;
}

export interface Sandbox {
  readonly kind: 'docker' | 'local' | 'queue';
  /** Starts the warm pool; idempotent. */
  start(): Promise<void>;
  runUnittest(job: UnittestJob): Promise<ExecResult>;
  /** Each item runs in its own child with its own limit; one batch goes to one warm slot. */
  runChecks(items: CheckItem[], opts?: CheckOptions): Promise<CheckResult[]>;
  checkSyntax(code: string): Promise<SyntaxResult>;
  /** Identifies the execution environment (image tag or interpreter) for caches keyed on it. */
  environmentId(): string;
  close(): Promise<void>;
}
