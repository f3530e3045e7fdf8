import type { BigCodeBenchTask } from '../tasks/bigcodebench.js';

/** Finds which known task a prompt is about, by its problem text (what a real model reads too). */
export class TaskFinder {
  private readonly byHead = new Map<string, BigCodeBenchTask[]>();
  private static readonly HEAD = 120;

  constructor(tasks: readonly BigCodeBenchTask[]) {
    for (const t of tasks) {
      const head = t.instruct_prompt.trim().slice(0, TaskFinder.HEAD);
      const list = this.byHead.get(head) ?? [];
      list.push(t);
      this.byHead.set(head, list);
    }
  }

  find(prompt: string): BigCodeBenchTask | undefined {
    for (const [head, tasks] of this.byHead) {
      if (!prompt.includes(head)) continue;
      const hit = tasks.find((t) => prompt.includes(t.instruct_prompt.trim()));
      if (hit) return hit;
    }
    return undefined;
  }
}
