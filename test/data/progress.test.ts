import { describe, expect, it } from 'vitest';
import { countingResponse, stderrProgress } from '../../src/data/progress.js';

/** A stand-in for process.stderr that records what is written. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('download progress', () => {
  it('draws a bar on a terminal as the body is read, and ends the line', async () => {
    const tty = stream(true);
    const res = countingResponse(new Response(new Uint8Array(2_000_000)), stderrProgress(tty)('v0.1.4.parquet', 2_000_000));
    expect((await res.arrayBuffer()).byteLength).toBe(2_000_000);
    expect(tty.text).toMatch(/\rv0\.1\.4\.parquet \[#{30}\] 2\.0 MB\/2\.0 MB\n$/);
  });

  it('writes nothing when stderr is not a terminal', async () => {
    const pipe = stream(false);
    await countingResponse(new Response('abc'), stderrProgress(pipe)('f', 3)).text();
    expect(pipe.text).toBe('');
  });
});
