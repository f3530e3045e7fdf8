import { postprocessUserFeedback } from '../feedback/user.js';
import type { ChatModel } from '../models/types.js';
import { render, template } from './prompts.js';
import { ownBasis, type EpisodeSource } from './runner.js';
import type { UserFeedbackReply, UserFeedbackRequest } from './turn.js';

/** The simulated user's prompt: the novice sees the compilation feedback, the expert the ground truth; both see failing execution feedback. */
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

/** Live episodes: each turn refines the episode's own last version; a simulator gives user feedback. */
export function liveSource(user: ChatModel | undefined): EpisodeSource {
  return {
    basis: ownBasis,
    async userFeedback(req): Promise<UserFeedbackReply> {
      if (!user) throw new Error(`setting needs a simulated user (${req.kind}) but none was configured`);
      const gen = await user.generate([{ role: 'user', content: userPrompt(req) }], { role: 'user' });
      return { text: postprocessUserFeedback(gen.text, req.kind === 'expert'), raw: gen.text, gens: [gen] };
    },
  };
}
