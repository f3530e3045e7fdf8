import { estimateUsage } from '../models/openai.js';
import type { ChatMessage, ChatModel, GenerateOptions, Generation } from '../models/types.js';
import { draw } from '../offline/rng.js';
import { completionSplit, type RepoBenchmark } from './candidate.js';
import type { Mutant, RepoTask } from './record.js';

export interface RepoOfflineOptions {
  skill: number;
  seed: number;
  /** Finds the task a prompt is about (the synthetic model "knows" every reference). */
  lookup: (prompt: string) => { task: RepoTask; bench: RepoBenchmark } | undefined;
}

/**
 * Deterministic synthetic model for repository tasks. It writes the reference with some of the
 * task's known mutations applied (fewer for a higher skill); shown failing tests, it undoes each
 * remaining defect with a chance that grows with skill. In repair it fixes the bug with a chance
 * that is higher when the failing output is in the prompt; otherwise it returns the method unchanged.
 */
export class RepoOfflineModel implements ChatModel {
  readonly synthetic = true;
  readonly id: string;
  readonly behaviour = 'repo-1';

  constructor(private readonly o: RepoOfflineOptions) {
    this.id = `offline:${o.skill}`;
  }

  async generate(messages: ChatMessage[], opts: GenerateOptions): Promise<Generation> {
    const first = messages.find((m) => m.role === 'user')?.content ?? '';
    const found = this.o.lookup(first);
    let text = 'I am an offline synthetic model and cannot answer without a known task.';
    if (found) {
      const key = `${this.o.seed}|${this.o.skill}|${found.bench}|${found.task.dp_id}|${opts.sampleIndex ?? 0}`;
      const code = found.bench === 'program_repair' ? this.repair(found.task, first, key)
        : found.bench === 'completion' ? this.complete(found.task, key)
          : this.methodGen(found.task, messages, key);
      text = code === null ? 'I could not work this one out.' : `Here is the code.\n\n\`\`\`python\n${code}\n\`\`\`\n`;
    }
    return { text, usage: estimateUsage(messages, text), latencyMs: 0, cached: false };
  }

  /** The defects this model makes for a task: none, or one to three of the known mutations. */
  private defects(task: RepoTask, key: string, pool: Mutant[]): Mutant[] {
    const s = this.o.skill;
    if (!pool.length || draw(key, 'clean') < 0.05 + 0.75 * s) return [];
    const n = 1 + (draw(key, 'n2') < 0.6 * (1 - s) ? 1 : 0) + (draw(key, 'n3') < 0.3 * (1 - s) ? 1 : 0);
    const byLine = new Map<number, Mutant>();
    const order = [...pool].sort((a, b) => draw(key, 'm', a.line, a.col) - draw(key, 'm', b.line, b.col));
    for (const m of order) if (byLine.size < n && !byLine.has(m.line)) byLine.set(m.line, m);
    return [...byLine.values()];
  }

  private methodGen(task: RepoTask, messages: ChatMessage[], key: string): string | null {
    const s = this.o.skill;
    const turn = messages.filter((m) => m.role === 'assistant').length;
    // A weak model sometimes answers in the wrong shape (a format failure the loop reports).
    if (draw(key, 'shape', turn) < 0.15 * (1 - s)) return null;
    let left = this.defects(task, key, task.mutants);
    for (let t = 1; t <= turn; t++) {
      // A defect is found only through failing tests, which every feedback message carries.
      left = left.filter((m) => draw(key, 'fix', t, m.line) >= 0.25 + 0.6 * s);
    }
    return applyMutants(task, left, `${task.method.declaration}\n${task.method.body}`, task.method.global_method_declaration_index[0] + 1);
  }

  private complete(task: RepoTask, key: string): string {
    const { continuation } = completionSplit(task);
    const startLine = task.method.global_method_body_index[1] + 2 - continuation.split('\n').length;
    const pool = task.mutants.filter((m) => m.line >= startLine);
    return applyMutants(task, this.defects(task, key, pool), continuation, startLine);
  }

  private repair(task: RepoTask, prompt: string, key: string): string {
    const s = this.o.skill;
    const shown = prompt.includes('Output of the failing tests:');
    const fixed = draw(key, 'repair') < (shown ? 0.1 + 0.8 * s : 0.05 + 0.45 * s);
    const method = `${task.method.declaration}\n${task.method.body}`;
    return fixed || !task.bug ? method : applyMutants(task, [task.bug], method, task.method.global_method_declaration_index[0] + 1);
  }
}

/** Applies mutations (file line numbers) to a text that starts at file line `firstLine`. */
function applyMutants(_task: RepoTask, ms: Mutant[], text: string, firstLine: number): string {
  const lines = text.split('\n');
  for (const m of ms) {
    const i = m.line - firstLine;
    if (i >= 0 && i < lines.length) lines[i] = m.new_line;
  }
  return lines.join('\n');
}

/** Index of tasks by what their prompts show: method tasks by their task line, repair by the bug's line. */
export function promptLookup(tasks: RepoTask[], bench: RepoBenchmark): (prompt: string) => { task: RepoTask; bench: RepoBenchmark } | undefined {
  const byLine = new Map(tasks.map((t) => [`File: ${t.file_path}. Class: ${t.class_name}. Method: ${t.method.name}.`, t]));
  return (prompt) => {
    if (bench === 'program_repair') {
      const file = /File: (\S+)\./.exec(prompt)?.[1];
      const task = tasks.find((t) => t.file_path === file && !!t.bug && prompt.includes(t.bug.new_line) && prompt.includes(t.method.declaration.trim()));
      return task ? { task, bench } : undefined;
    }
    const m = /File: \S+\. Class: \w+\. Method: \w+\./.exec(prompt);
    const task = m ? byLine.get(m[0]) : undefined;
    return task ? { task, bench } : undefined;
  };
}
