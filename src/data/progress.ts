/** Progress of one download, drawn on stderr when it is a terminal and silent otherwise. */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export type ProgressFactory = (label: string, total: number) => Progress;

const silent: Progress = { update: () => {}, finish: () => {} };

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** A bar on stderr (`label [#####.....] 1.2/2.4 MB`) when stderr is a TTY; no output otherwise. */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressFactory {
  return (label, total) => {
    if (!stream.isTTY) return silent;
    let last = 0;
    const draw = (done: number): void => {
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const fill = Math.round(frac * width);
      stream.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${mb(done)}${total ? `/${mb(total)}` : ''}`);
    };
    return {
      update(done) {
        const now = Date.now();
        if (now - last < 100 && done < total) return;
        last = now;
        draw(done);
      },
      finish() {
        stream.write('\n');
      },
    };
  };
}

export const noProgress: ProgressFactory = () => silent;

/** Wraps a response body so every chunk read advances the bar. */
export function countingResponse(res: Response, progress: Progress): Response {
  if (!res.body) return res;
  let done = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      done += chunk.byteLength;
      progress.update(done);
      ctl.enqueue(chunk);
    },
    flush() {
      progress.finish();
    },
  });
  return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
}
