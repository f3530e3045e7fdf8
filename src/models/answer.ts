/** What a model answer may weigh once stored: a server that ignores max_tokens must not fill disks and memory. */

/** Characters kept per answer: 32 per requested token (far above any tokenizer's average), at least 32 KiB. */
export function answerCap(maxTokens: number): number {
  return Math.max(32_768, maxTokens * 32);
}

/** The head of an over-long answer, with a last line saying it was cut and how long it was. */
export function capAnswer(text: string, cap: number): string {
  if (text.length <= cap) return text;
  return `${text.slice(0, cap)}\n[answer cut: ${text.length} characters received, the first ${cap} kept]`;
}
