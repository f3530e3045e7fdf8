import { fillTemplate } from '../util/template.js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../sandbox/paths.js';
import { UserError } from '../util/errors.js';

export const PROMPT_DIR = join(projectRoot, 'resources', 'prompts');
const cache = new Map<string, string>();

/** Loads resources/prompts/<name>.md once; `{{key}}` placeholders are filled by render(). */
export function template(name: string, dir = PROMPT_DIR): string {
  const file = join(dir, `${name}.md`);
  let t = cache.get(file);
  if (t === undefined) {
    if (!existsSync(file)) throw new UserError('NO_PROMPT', `prompt template ${file} is missing`);
    t = readFileSync(file, 'utf8');
    cache.set(file, t);
  }
  return t;
}

/**
 * Fills `{{key}}`; `{{#key}}...{{/key}}` sections are kept only when key is non-empty. Blank-line
 * runs are tidied in the template only: values (code, tracebacks) are inserted byte for byte.
 */
export function render(t: string, vars: Record<string, string | undefined>): string {
  const kept = t.replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_m, key: string, inner: string) => (vars[key] ? inner : ''));
  return fillTemplate(kept.replace(/\n{3,}/g, '\n\n').trim() + '\n', vars);
}

/**
 * How refinement and simulator prompts are written: `signature` is the original's DSPy
 * ChainOfThought layout (resources/prompts/signatures.yaml), `plain` our templates (*.md).
 */
export type PromptStyle = 'signature' | 'plain';

/** The prompt style of a run, as its protocol profile says. */
export function promptStyle(o: { profile: { prompts: PromptStyle } }): PromptStyle {
  return o.profile.prompts;
}

/** DSPy's token budget of every refinement and simulator call (its LM clients were built with 2048). */
export const SIGNATURE_MAX_TOKENS = 2048;

/**
 * sha256 of the prompt files of this project, name and content, in name
 * order (resources/prompts/*.md and signatures.yaml, not the reasoning prompts): runs that differ
 * in it did not ask the models the same thing.
 */
export function promptsHash(dir = PROMPT_DIR): string {
  const h = createHash('sha256');
  for (const name of readdirSync(dir).filter((f) => /\.(md|yaml)$/.test(f)).sort()) {
    h.update(`${name}\0${readFileSync(join(dir, name), 'utf8')}\0`);
  }
  return h.digest('hex');
}
