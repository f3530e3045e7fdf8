import type { ExecResult } from '../sandbox/types.js';
import { EXEC_FEEDBACK_MAX_CHARS, PARTIAL_TEST_COUNT, PASSED_ALL_TESTS } from './constants.js';

export type TestCoverage = 'partial' | 'full';

export interface ExecutionFeedback {
  /** Whether every test this feedback covers passed. */
  passed: boolean;
  /** Names of the failing tests shown (ALL for a module-level error). */
  failing: string[];
  text: string;
}

/** The test methods partial feedback covers: first 3 test methods, or the original's AST-walk quirk. */
export function partialTestNames(r: Pick<ExecResult, 'tests' | 'compatOrder'>, compat: boolean): string[] {
  return (compat ? r.compatOrder : r.tests).slice(0, PARTIAL_TEST_COUNT);
}

/**
 * Execution feedback from a full-suite result: failing tests as NAME-IN-CAPS + traceback.
 * Partial coverage keeps only failures among the first three tests; a module-level error (ALL) is
 * shown too, except under compat, where the original reads it as a pass.
 */
export function executionFeedback(r: ExecResult, coverage: TestCoverage, compat = false): ExecutionFeedback {
  let entries = Object.entries(r.details);
  if (coverage === 'partial') {
    const shown = new Set(partialTestNames(r, compat));
    entries = entries.filter(([name]) => shown.has(name) || (!compat && name === 'ALL'));
  }
  if (r.status === 'timeout' && entries.length === 0 && coverage === 'full') entries = [['ALL', 'Timed out']];
  if (entries.length === 0) return { passed: true, failing: [], text: PASSED_ALL_TESTS };
  const text = entries.map(([name, trace]) => `${name.toUpperCase()}\n${trace.trim()}`).join('\n');
  return { passed: false, failing: entries.map(([n]) => n), text: truncateFeedback(text) };
}

/** The original's truncation: head lines (<= 2000 chars), "...", tail lines (last 4000 chars). */
export function truncateFeedback(text: string, maxChars = EXEC_FEEDBACK_MAX_CHARS): string {
  if (text.length < maxChars) return text;
  const lines = text.split('\n');
  const w = lines.length >= 10 ? 5 : lines.length === 1 ? 1 : Math.floor(lines.length / 2);
  const head = lines.slice(0, w).join('\n').slice(0, 2000);
  const tail = lines.slice(-w).join('\n');
  return `${head}\n...\n${tail.slice(-4000)}`;
}
