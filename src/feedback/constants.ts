/** Fixed feedback strings of the original environment (kept identical so logs are comparable). */
export const NO_SYNTAX_ERRORS = 'No syntax errors';
export const PASSED_ALL_TESTS = 'Passed all test runs';
/** Number of test methods the partial-test ("low coverage") execution feedback shows. */
export const PARTIAL_TEST_COUNT = 3;
/** Execution feedback at or above this many characters is truncated. */
export const EXEC_FEEDBACK_MAX_CHARS = 8000;
/** The original's time limit per test suite in its episodes, seconds (BigCodeBench's own harness allows 240). */
export const CONVCODEWORLD_TIMEOUT_S = 121;
