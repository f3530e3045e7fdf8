import type { ChatModel } from '../models/types.js';
import { ownBasis, type EpisodeSource } from './runner.js';
import { askUser } from './simulator.js';
import type { UserFeedbackReply } from './turn.js';

/** Live episodes: each turn refines the episode's own last version; a simulator gives user feedback. */
export function liveSource(user: ChatModel | undefined): EpisodeSource {
  return {
    basis: ownBasis,
    async userFeedback(req): Promise<UserFeedbackReply> {
      if (!user) throw new Error(`setting needs a simulated user (${req.kind}) but none was configured`);
      return askUser(user, req);
    },
  };
}
