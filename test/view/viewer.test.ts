/** The viewer driven in Debian's Chromium: every kind listed, the tables equal the summaries, a task's conversation, a run written during the test. */
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../src/view/server.js';
import { fakeLiveRun, projectRoot } from '../replay/helpers.js';
import { haveChromium, launchBrowser } from './browser.js';
import { buildAllKinds } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'view-browser-'));
const scratch = mkdtempSync(join(tmpdir(), 'view-scratch-'));
const shots = process.env.VIEW_SCREENSHOTS;
let server: ViewServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

const readJson = (f: string): Record<string, unknown> => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
const f1 = (x: number): string => (x * 100).toFixed(1);

beforeAll(async () => {
  buildAllKinds(root);
  // Bad input sitting next to good runs.
  mkdirSync(join(root, 'odd', 'mystery'), { recursive: true });
  writeFileSync(join(root, 'odd', 'mystery', 'config.yaml'), 'version: 1\nkind: mystery\n');
  const torn = fakeLiveRun(join(root, 'odd', 'torn'), { setting: 'CF_EF_UNIT', model: 'offline:T', maxTurns: 2, solvedAt: [0, 1, null] });
  rmSync(join(torn, 'summary.json'));
  appendFileSync(join(torn, 'episodes.jsonl'), '{"task_id": "BigCodeBench/9", "turns": [{"tu');
  server = await startViewServer({ dir: root, port: 0, pollMs: 200, resamples: 300 });
  if (haveChromium) {
    browser = await launchBrowser();
    page = await browser.ctx.newPage();
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const row = (id: string): string => `#runs-table tr[data-id="${id}"]`;

describe.skipIf(!haveChromium)('view in Chromium', () => {
  it('listens on loopback only by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('the runs page lists runs of every kind, each bad directory shown for what it is', async () => {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="1"]');
    const kinds = await page.$$eval('#runs-table tbody tr', (rs) => rs.map((r) => r.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set(['world', 'bench', 'reasoning', 'eval', 'repo', 'unknown']));
    expect(await page.textContent(`${row('odd/mystery')} td.status`)).toMatch(/unreadable.*kind/s);
    expect(await page.textContent(`${row('odd/torn')} td.status`)).toMatch(/stopped.*3 episodes.*line 4 is torn \(an interrupted write\)/s);
    expect(await page.textContent(`${row('world/live-A')} td.status`)).toContain('finished');
    // Filter and sort.
    await page.fill('#filter', 'offline:B');
    expect(await page.$$eval('#runs-table tbody tr:not([hidden])', (rs) => rs.map((r) => r.getAttribute('data-id')))).toEqual(['world/live-B', 'world/static-B']);
    await page.fill('#filter', '');
    await page.selectOption('#kind-filter', 'reasoning');
    expect(await page.$$eval('#runs-table tbody tr:not([hidden])', (rs) => rs.length)).toBe(1);
    await page.selectOption('#kind-filter', '');
    await page.click('#runs-table th:has-text("MRR")');
    await page.click('#runs-table th:has-text("MRR")');
    expect(await page.$eval('#runs-table tbody tr', (r) => r.getAttribute('data-id'))).toBe('world/live-A');
    if (shots) await page.screenshot({ path: join(shots, 'view-runs.png'), fullPage: true });
    // Two runs picked: the paired test between them, not a wall of pairs.
    await page.check(`${row('world/live-A')} input.pick`);
    await page.check(`${row('world/live-C')} input.pick`);
    await page.click('#compare-btn');
    await page.waitForSelector('.pair-table');
    expect(await page.$$eval('.pair-table', (t) => t.length)).toBe(1);
    expect(await page.textContent('.pair-table .d-mrr')).toMatch(/^\+16\.7 \[/);
  });

  it('the table\'s numbers equal each run\'s summary, with CIs on hover, in the paper\'s setting order', async () => {
    await page.goto(server.url + 'table');
    // Runs not read within the first open's budget show their summary's number first; the page then updates itself.
    await page.waitForFunction(() => !document.querySelector('td[title*="records being read"]'));
    const cols = await page.$$eval('#world-mrr thead th', (ths) => ths.map((t) => t.textContent));
    expect(cols.slice(1, 10)).toEqual(['CF', 'CF_EF_UNIT', 'CF_EF_FULL', 'CF_SNF', 'CF_EF_UNIT_SNF', 'CF_EF_FULL_SNF', 'CF_SEF', 'CF_EF_UNIT_SEF', 'CF_EF_FULL_SEF']);
    for (const id of ['live-A', 'live-B', 'live-C', 'static-A', 'static-B', 'static-C', 'live-A-CF', 'live-A-SNF']) {
      const s = readJson(join(root, 'world', id, 'summary.json'));
      for (const which of ['mrr', 'recall'] as const) {
        const attr = id.startsWith('static') ? 'data-side-run' : 'data-run';
        const cell = page.locator(`#world-${which} td[${attr}="world/${id}"]`);
        const v = Number(await cell.getAttribute(id.startsWith('static') ? 'data-side-value' : 'data-value'));
        expect(v).toBeCloseTo(s[which] as number, 12);
        expect(await cell.textContent()).toContain(f1(s[which] as number));
        expect(await cell.getAttribute('title')).toMatch(/\d+\.\d \[\d+\.\d, \d+\.\d\] over 4/);
      }
    }
    const rs = readJson(join(root, 'reasoning', 'crux-o', 'summary.json')) as { pass_at_k: { pass_at_1: number } };
    expect(Number(await page.locator('#reasoning td[data-run="reasoning/crux-o"]').first().getAttribute('data-value')) * 100).toBeCloseTo(rs.pass_at_k.pass_at_1, 10);
    const repo = readJson(join(root, 'repo', 'strong', 'results_summary.json')) as { pass_rates: Record<string, number> };
    expect(Number(await page.locator('#repo td[data-run="repo/strong"]').first().getAttribute('data-value')) * 100).toBeCloseTo(repo.pass_rates['pass_rate@3']!, 10);
    // Copy as Markdown gives the table as shown.
    await browser.ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
    await page.click('#block-world-mrr button[data-copy="md-world-mrr"]');
    await page.waitForSelector('#block-world-mrr button[data-copied]');
    const md = await page.evaluate(() => navigator.clipboard.readText());
    expect(md).toMatch(/^\| model \| CF \| CF_EF_UNIT \|/);
    expect(md).toContain('| offline:A | 33.3 | - | - | 45.8 | - | - | - | - | 62.5 (62.5) |');
    expect(await page.inputValue('#tex-world-mrr')).toContain('offline:A & 33.3 & - & - & 45.8');
    if (shots) await page.screenshot({ path: join(shots, 'view-table.png'), fullPage: true });
  });

  it('per-turn curves name runs apart', async () => {
    await page.goto(server.url + 'curves');
    const names = await page.$$eval('.setting-block[data-setting="CF_EF_FULL_SEF"] .legend li', (l) => l.map((x) => x.getAttribute('data-name')));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('offline:A · CF_EF_FULL_SEF · convcodeworld · live');
  });

  it('a task page shows each turn\'s diff and feedback, side by side with another run', async () => {
    await page.goto(`${server.url}task?run=world/live-B&task=${encodeURIComponent('Sample/0')}&vs=world/live-C`);
    await page.waitForSelector('#task-view[data-rendered]');
    const turn1 = page.locator('.conv > .turn[data-turn="1"]').first();
    expect(await turn1.locator('.fb-execution').textContent()).toContain('AssertionError: v0');
    expect(await turn1.locator('.fb-user').textContent()).toContain('Line 4: the function returns nothing useful here (v0).');
    expect(await turn1.locator('.leak').textContent()).toBe('leak score 0.00');
    expect(await turn1.locator('.diff-line.add').count()).toBeGreaterThan(0);
    expect(await turn1.locator('.diff-line.del').count()).toBeGreaterThan(0);
    expect(await turn1.locator('.tokens').textContent()).toBe('tokens: coder 100 in / 50 out, user 80 in / 20 out');
    expect(await page.$$eval('.conv-head', (h) => h.map((x) => x.textContent))).toEqual([
      expect.stringContaining('offline:B CF_EF_FULL_SEF live - Sample/0: solved at turn 1'), expect.stringContaining('offline:C CF_EF_FULL_SEF live - Sample/0: solved at turn 0'),
    ]);
    if (shots) await page.screenshot({ path: join(shots, 'view-task.png'), fullPage: false });
  });

  it('a run started during the test appears and advances without a reload, then says it finished', async () => {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="1"]');
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
    // Its records, written one by one as run-world does, under a lock held by this (live) process.
    const full = fakeLiveRun(join(scratch, 'full'), { setting: 'CF_EF_FULL', model: 'offline:L', maxTurns: 2, solvedAt: [0, 1, null, 2] });
    const lines = readFileSync(join(full, 'episodes.jsonl'), 'utf8').trim().split('\n');
    const live = join(root, 'world', 'growing');
    mkdirSync(live, { recursive: true });
    writeFileSync(join(live, '.lock'), JSON.stringify({ version: 1, pid: process.pid, host: hostname(), started: new Date().toISOString(), command: 'test' }) + '\n');
    writeFileSync(join(live, 'config.yaml'), toYaml({ version: 1, kind: 'world', model: 'offline:L', setting: 'CF_EF_FULL', maxTurns: 2, limit: 4, dataset: 'sample.jsonl', history: 'none', compat: 'none' }));
    await page.waitForSelector(`${row('world/growing')}[data-status="running"]`);
    expect(await page.textContent(`${row('world/growing')} td.status`)).toContain('0 of 4 episodes');
    for (let k = 0; k < lines.length; k++) {
      appendFileSync(join(live, 'episodes.jsonl'), lines[k] + '\n');
      await page.waitForFunction(([sel, n]) => document.querySelector(sel as string)?.textContent?.includes(`${n as number} of 4 episodes`), [`${row('world/growing')} td.status`, k + 1]);
    }
    // A half-written line while it runs: shown as being written.
    appendFileSync(join(live, 'episodes.jsonl'), '{"task_id":');
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('being written'), `${row('world/growing')} td.status`);
    writeFileSync(join(live, 'episodes.jsonl'), lines.join('\n') + '\n');
    copyFileSync(join(full, 'summary.json'), join(live, 'summary.json'));
    rmSync(join(live, '.lock'));
    await page.waitForSelector(`${row('world/growing')}[data-status="finished"]`);
    expect(await page.textContent(`${row('world/growing')} td[data-v]`)).toBe(f1(readJson(join(full, 'summary.json')).mrr as number));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    // The server kept serving throughout.
    expect((await fetch(server.url + 'table')).status).toBe(200);
  });

  it('a real offline run-world started during the test shows running, then finished with its summary\'s numbers', async () => {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="1"]');
    const out = join(root, 'real', 'CF_EF_FULL_SNF');
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'run-world.ts'), '--model', 'offline', '--sandbox', 'local', '--limit', '3', '--max-turns', '2',
      '--setting', 'CF_EF_FULL_SNF', '--out', out, '--no-cache', '--quiet'], { cwd: projectRoot, stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      await page.waitForSelector(`${row('real/CF_EF_FULL_SNF')}[data-status="running"]`, { timeout: 90_000 });
      expect(await page.textContent(`${row('real/CF_EF_FULL_SNF')} td.status`)).toMatch(/of 3 episodes/);
      expect(await exited).toBe(0);
      await page.waitForSelector(`${row('real/CF_EF_FULL_SNF')}[data-status="finished"]`, { timeout: 30_000 });
      const s = readJson(join(out, 'summary.json'));
      expect(await page.textContent(`${row('real/CF_EF_FULL_SNF')} td[data-v]`)).toBe(f1(s.mrr as number));
    } finally {
      if (child.exitCode === null) child.kill();
    }
  }, 180_000);
});
