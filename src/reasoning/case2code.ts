import { judgeAsset } from '../sandbox/paths.js';
import type { Case2CodeItem } from './types.js';

/** Time limit for one Case2Code program (all examples together), seconds. */
export const CASE2CODE_TIMEOUT_S = 10;

/** Harness that judges one Case2Code candidate in one sandbox child (Python kept beside the judge). */
const harness = (): string => `${restrictions()}\n\n${judgeAsset('reasoning/case2code.py')}`;

/** The reference's restrictions, also used by the synthesis runner so records are made as they are judged. */
export const restrictions = (): string => judgeAsset('reasoning/restrict.py');

function loopSource(funcName: string): string {
  return [
    '',
    '',
    `print(${JSON.stringify('@@C2C:OUTPUTS:BEGIN@@')})`,
    'for ex in examples:',
    '    print("<|OUT|>")',
    '    try:',
    `        r = ${funcName}(**ex)`,
    "        print('<|RETURN|>', json.dumps(repr(r)))",
    '    except Exception as e:',
    "        print('<|EXCEPTION|>', json.dumps(str(type(e)) + ': ' + str(e)))",
    `print(${JSON.stringify('@@C2C:OUTPUTS:END@@')})`,
    '',
  ].join('\n');
}

/**
 * Python text literal for `s`. JSON string syntax is valid Python except for lone surrogates,
 * which JSON.stringify escapes as \udXXX: Python reads those escapes the same way.
 */
function pyStringLiteral(s: string): string {
  return JSON.stringify(s);
}

/** The check program for one candidate solution (already extracted from the model's text). */
export function case2codeCheck(item: Case2CodeItem, solution: string): string {
  const program = solution + '\n\n' + item.exampleStr + loopSource(item.funcName);
  return `${harness()}\n__result__ = _c2c_main(${pyStringLiteral(program)})\n`;
}

export interface Case2CodeOutcome {
  correct: boolean;
  /** Why it is not correct: timeout, crash text, no output, length mismatch, output mismatch. */
  status: 'correct' | 'timeout' | 'error' | 'no output' | 'length mismatch' | 'output mismatch';
  /** Index of the first differing example (output mismatch). */
  firstMismatch?: number;
  detail?: string;
}

/** Compares what the judge returned for one candidate with the gold records. */
export function judgeCase2Code(
  item: Case2CodeItem,
  result: { ok: boolean; timedOut: boolean; error?: string; value?: unknown },
): Case2CodeOutcome {
  if (result.timedOut) return { correct: false, status: 'timeout' };
  if (!result.ok) return { correct: false, status: 'error', detail: result.error ?? '' };
  const v = result.value as { outputs?: unknown; crash?: unknown } | undefined;
  const outputs = v?.outputs;
  if (!Array.isArray(outputs)) {
    return { correct: false, status: 'no output', detail: typeof v?.crash === 'string' ? v.crash : '' };
  }
  if (outputs.length !== item.goldOutputs.length) {
    return { correct: false, status: 'length mismatch', detail: `${outputs.length} records for ${item.goldOutputs.length} examples` };
  }
  for (let i = 0; i < outputs.length; i++) {
    if (outputs[i] !== item.goldOutputs[i]) {
      return {
        correct: false, status: 'output mismatch', firstMismatch: i,
        detail: `example ${i}: got ${String(outputs[i]).slice(0, 300)} expected ${item.goldOutputs[i]!.slice(0, 300)}`,
      };
    }
  }
  return { correct: true, status: 'correct' };
}
