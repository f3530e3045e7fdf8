import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRunDirs } from '../../src/compare/compare.js';
import { toHtml } from '../../src/compare/html.js';
import { projectRoot } from '../replay/helpers.js';
import { buildFixtureRuns } from './fixtures.js';

/** Debian's chromium (apt-get install chromium), or CHROMIUM_BIN. */
function findChromium(): { bin?: string; why: string } {
  const candidates = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((x): x is string => !!x);
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (v.status === 0) return { bin, why: '' };
  }
  return { why: 'no chromium (apt-get install -y chromium, or set CHROMIUM_BIN)' };
}

const chromium = findChromium();
const ARTIFACTS = join(projectRoot, 'test-artifacts');

function runChromium(args: string[]): { stdout: string; status: number | null } {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  try {
    const r = spawnSync(chromium.bin!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', `--user-data-dir=${profile}`, ...args,
    ], { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 });
    return { stdout: r.stdout ?? '', status: r.status };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('HTML report', () => {
  let dir: string;
  let html: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'compare-html-'));
    buildFixtureRuns(dir);
    html = toHtml(compareRunDirs([dir], { resamples: 300 }));
    mkdirSync(ARTIFACTS, { recursive: true });
    file = join(ARTIFACTS, 'compare-report.html');
    writeFileSync(file, html);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one self-contained file: no external scripts, styles, images or fetches', () => {
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/<img[^>]+src=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toMatch(/fetch\(|XMLHttpRequest|import\(/);
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBe(2);
    // Code in the data block cannot close the script element.
    expect(html.match(/<\/script>/g)!.length).toBe(2);
  });

  it.skipIf(!chromium.bin)(`renders charts and a task view in headless Chromium${chromium.bin ? '' : ` (skipped: ${chromium.why})`}`, () => {
    const url = `${pathToFileURL(file).href}#run=3&task=Sample/1&turn=2`;
    const dom = runChromium(['--virtual-time-budget=3000', '--dump-dom', url]);
    expect(dom.status).toBe(0);
    const d = dom.stdout;
    // Charts: one recall and one pass@1 chart for the setting, a line per run.
    expect(d).toMatch(/<svg class="chart" data-kind="recall" data-setting="CF_EF_FULL_SEF"/);
    expect(d).toMatch(/<svg class="chart" data-kind="pass_at_1" data-setting="CF_EF_FULL_SEF"/);
    expect((d.match(/<g class="series"/g) ?? []).length).toBe(12);
    // The script ran: the viewer shows the chosen task and turn of the static run (run 3 = static-A).
    expect(d).toContain('data-rendered="1"');
    expect(d).toMatch(/id="task-view"[^>]*data-task="Sample\/1"/);
    expect(d).toMatch(/id="task-view"[^>]*data-turn="2"/);
    expect(d).toContain('Test status before and after');
    expect(d).toContain('Feedback that led to this turn');
    expect(d).toContain('User (replayed from the reference log)');
    expect(d).toContain('Line 5: replayed hint');
    expect(d).toMatch(/class="diff-line del"><span class="sign">-<\/span>/);
    expect(d).toMatch(/class="diff-line add"><span class="sign">\+<\/span>/);
    expect(d).toMatch(/<td class="fail">fail<\/td><td class="pass changed">pass<\/td>/);
    expect((d.match(/<button class="(pass|fail)[^"]*"/g) ?? []).length).toBe(4);

    const png = join(ARTIFACTS, 'compare-report.png');
    rmSync(png, { force: true });
    const shot = runChromium(['--hide-scrollbars', '--window-size=1280,2600', `--screenshot=${png}`, url]);
    expect(shot.status).toBe(0);
    expect(existsSync(png)).toBe(true);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });
});
