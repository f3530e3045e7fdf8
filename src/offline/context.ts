/**
 * Structured copy of what a turn's prompt says, passed beside the messages. Real LLMs ignore it;
 * the offline synthetic models read it instead of parsing prose. It holds nothing the prompt lacks.
 */
export interface TurnContext {
  taskId: string;
  turn: number;
  /** initial: first generation; refine: a feedback turn; syntax-fix: in-turn fix of a syntax error. */
  step: 'initial' | 'refine' | 'syntax-fix' | 'user-feedback';
  previousCode?: string;
  compilation?: { ok: boolean; text: string };
  execution?: { passed: boolean; failing: string[]; text: string; coverage: 'partial' | 'full' };
  userFeedback?: string;
  /** For the simulator: which user it plays. */
  user?: 'novice' | 'expert';
  /** Expert simulator only: the reference solution it may consult. */
  reference?: string;
}
