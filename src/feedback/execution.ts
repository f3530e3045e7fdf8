import type { ExecResult } from '../sandbox/types.js';
import { EXEC_FEEDBACK_MAX_CHARS, PARTIAL_TEST_COUNT, PASSED_ALL_TESTS } from './constants.js';

export type TestCoverage = 'partial' | 'full';

export interface ExecutionFeedback {
  /** Whether the feedback shows no failure (the text is "Passed all test runs"). */
  passed: boolean;
  /** Names of the failing tests shown (ALL for a module-level error). */
  failing: string[];
  text: string;
  /** A failure's text before the 8000-character rule, for the shorter cuts a context overflow asks for. */
  untrimmed?: string;
}

/** The rules of a profile that shape execution feedback. */
export interface ExecFeedbackRules {
  /** visit: the original's recursive method visit; source: the test methods in source order. */
  partialTests: 'visit' | 'source';
  /** A module-level crash reads as passed under partial tests. */
  partialHidesModuleCrash: boolean;
}

/**
 * The names partial feedback covers: the first 3 of the original's method visit (`compatOrder`,
 * read from the test source by the judge) or of TestCases' test methods in source order.
 */
export function partialTestNames(r: Pick<ExecResult, 'tests' | 'compatOrder'>, rule: ExecFeedbackRules['partialTests']): string[] {
  return (rule === 'visit' ? r.compatOrder : r.tests).slice(0, PARTIAL_TEST_COUNT);
}

/**
 * Execution feedback from a full-suite result, in the original's text format: per failing test
 * `NAME` in capitals, newline, its traceback untrimmed, newline; entries joined by a newline.
 * A failed run with no per-test details gives an empty text that still counts as a failure.
 * Partial coverage keeps failures among the first three names and a module-level error (ALL) unless
 * the profile hides it; with nothing left the text is "Passed all test runs".
 */
export function executionFeedback(r: ExecResult, coverage: TestCoverage, rules: ExecFeedbackRules): ExecutionFeedback {
  if (r.status === 'pass') return { passed: true, failing: [], text: PASSED_ALL_TESTS };
  let entries = Object.entries(r.details);
  if (coverage === 'partial') {
    const shown = new Set(partialTestNames(r, rules.partialTests));
    entries = entries.filter(([name]) => shown.has(name) || (!rules.partialHidesModuleCrash && name === 'ALL'));
    if (entries.length === 0) return { passed: true, failing: [], text: PASSED_ALL_TESTS };
  }
  const text = entries.map(([name, trace]) => `${name.toUpperCase()}\n${trace}\n`).join('\n');
  return { passed: false, failing: entries.map(([n]) => n), text: truncateFeedback(text), untrimmed: text };
}

/**
 * The original's truncation: head lines (<= 2000 chars), "...", tail lines (last 4000 chars).
 * `cut` forces it whatever the length, with other limits (a rear of 0 keeps the whole tail, as Python's s[-0:]).
 */
export function truncateFeedback(text: string, maxChars = EXEC_FEEDBACK_MAX_CHARS, cut?: { front: number; rear: number }): string {
  if (text.length < maxChars && !cut) return text;
  const lines = text.split('\n');
  // Python's splitlines drops the empty piece after a final newline; split('\n') keeps it.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const w = lines.length >= 10 ? 5 : lines.length === 1 ? 1 : Math.floor(lines.length / 2);
  const head = lines.slice(0, w).join('\n').slice(0, cut?.front ?? 2000);
  const tail = lines.slice(-w).join('\n');
  return `${head}\n...\n${tail.slice(-(cut?.rear ?? 4000))}`;
}
