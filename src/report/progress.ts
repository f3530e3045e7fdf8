let statusSource: (() => string) | undefined;

/** Extra status shown at the end of every progress line (the queue's workers); undefined removes it. */
export function setProgressStatus(fn?: () => string): void {
  statusSource = fn;
}

/** A one-line progress display on a terminal; silent when stderr is not a TTY. */
export class ProgressLine {
  private last = 0;
  private readonly start = Date.now();
  private readonly enabled: boolean;

  constructor(private readonly label: string, private readonly total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = !!stream.isTTY && process.env.CI !== 'true';
    this.stream = stream;
  }

  private readonly stream: NodeJS.WriteStream;

  update(done: number, extra = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < this.total) return;
    this.last = now;
    const width = 24;
    const frac = this.total ? done / this.total : 1;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const secs = ((now - this.start) / 1000).toFixed(0);
    extra = [extra, statusSource?.()].filter(Boolean).join('  ');
    this.stream.write(`\r${this.label} [${bar}] ${done}/${this.total} ${secs}s ${extra}`.slice(0, (this.stream.columns ?? 120) - 1).padEnd(Math.min(this.stream.columns ?? 120, 120) - 1));
  }

  finish(): void {
    if (this.enabled) this.stream.write('\n');
  }
}
