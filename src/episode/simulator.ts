import { ANSWER_STOP } from '../feedback/extract.js';
import { postprocessUserFeedback } from '../feedback/user.js';
import type { ChatModel } from '../models/types.js';
import { render, template } from './prompts.js';
import { predict, signature } from './signature.js';
import type { UserFeedbackReply, UserFeedbackRequest } from './turn.js';

/** The simulated user's plain prompt: the novice sees the compilation feedback, the expert the ground truth; both see failing execution feedback. */
export function userPrompt(req: UserFeedbackRequest): string {
  const execFailed = !!req.execution && !req.execution.passed;
  return render(template(`user-${req.kind}`), {
    problem: req.task.instruct_prompt,
    previous_code: req.code,
    compilation: req.compilation.text,
    exec_failed: execFailed ? '1' : '',
    execution: req.execution?.text,
    reference: req.task.code_prompt + req.task.canonical_solution,
  });
}

/**
 * The inputs of the original's simulator signatures: code shown in bare fences, the execution
 * feedback only when it shows a failure (else the variant without it), never the compilation
 * feedback for the expert nor the ground truth for the novice.
 */
export function userSignatureValues(req: UserFeedbackRequest): Record<string, string | undefined> {
  const fence = (code: string): string => `\`\`\`\n${code}\n\`\`\``;
  const execution = req.execution && !req.execution.passed ? req.execution.text : undefined;
  const base = { input: req.task.instruct_prompt, previous_code: fence(req.code), execution_feedback: execution };
  return req.kind === 'expert'
    ? { ...base, ground_truth_code: fence(req.task.code_prompt + req.task.canonical_solution) }
    : { ...base, compilation_feedback: req.compilation.text };
}

/** Asks the simulator for feedback on one version, in the request's prompt style, and post-processes its text. */
export async function askUser(user: ChatModel, req: UserFeedbackRequest): Promise<UserFeedbackReply> {
  const expert = req.kind === 'expert';
  if (req.style !== 'signature') {
    const gen = await user.generate([{ role: 'user', content: userPrompt(req) }], { role: 'user' });
    return { text: postprocessUserFeedback(gen.text, expert), raw: gen.text, gens: [gen] };
  }
  const values = userSignatureValues(req);
  // The original's simulator client stops at the same `---` line as the coder's.
  const p = await predict(user, signature(`user-${req.kind}`, values), values, { role: 'user', stop: [ANSWER_STOP] });
  return { text: postprocessUserFeedback(p.answer, expert, false), raw: p.completions.join('\n'), gens: p.gens };
}
