/**
 * BigCodeBench's "calibrated" solution: the prompt's header plus a `pass` body, so the prompt's
 * imports and constants exist even when the model's code dropped them.
 */
export function calibratedSolution(codePrompt: string, solution: string): string {
  return codePrompt + '\n    pass\n' + solution;
}
