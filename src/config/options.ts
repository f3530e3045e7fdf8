// Option parsing lives at the bottom layer (util/) so that every folder may use it.
export { issuePath, issueText, parseOptions, zodIssueLine } from '../util/options.js';
