/** compare-runs --html: the viewer's pages as one static file, opened from disk in Chromium. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/compare-runs.js';
import { compareRunDirs } from '../../src/compare/compare.js';
import { toHtml } from '../../src/view/snapshot.js';
import { runPage } from '../../src/view/detail.js';
import { describeRun } from '../../src/view/entry.js';
import { serverLinks } from '../../src/view/pages.js';
import { cliRunner } from '../helpers/cli.js';
import { projectRoot } from '../replay/helpers.js';
import { haveChromium, launchBrowser } from '../view/browser.js';
import { buildAllKinds } from '../view/fixtures.js';

const ARTIFACTS = join(projectRoot, 'test-artifacts');

describe('compare-runs --html', () => {
  const cli = cliRunner(main);
  let dir: string;
  let html: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'compare-html-'));
    buildAllKinds(dir);
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
    // Code in the data blocks cannot close a script element.
    expect(html.match(/<\/script>/g)!.length).toBe(2);
  });

  it('renders a run with the server\'s renderer: one code path', () => {
    const e = describeRun(join(dir, 'world', 'live-A'), 'world/live-A', true);
    const section = runPage(e, { static: false, boot: {}, links: serverLinks });
    // The snapshot's section is the server's, with #-routes for links.
    const facts = section.match(/<dl class="facts">.*?<\/dl>/s)![0];
    expect(html).toContain(facts);
    expect(html).toContain('href="#/task/world%2Flive-A/Sample%2F0"');
    expect(section).toContain('href="/task?run=world%2Flive-A&amp;task=Sample%2F0"');
  });

  it('compare-runs --html writes it and prints the reasoning table', async () => {
    const out = join(dir, 'out', 'r.html');
    expect(await cli.run(join(dir, 'world'), join(dir, 'reasoning'), '--html', out, '--resamples', '100')).toBe(0);
    expect(cli.stdout()).toMatch(/\| offline:0\.6 \(synthetic\) \| cruxeval-o \| 3 \| 5 \| 60\.0 \[/);
    expect(readFileSync(out, 'utf8')).toContain('data-route="table"');
  });

  it.skipIf(!haveChromium)('opens from disk in Chromium: the table, a task\'s conversation, two runs compared', async () => {
    const b = await launchBrowser();
    try {
      const page = await b.ctx.newPage();
      await page.goto(`${pathToFileURL(file).href}#/table`);
      await page.waitForSelector('body[data-ready="1"]');
      expect(await page.isVisible('#world-mrr')).toBe(true);
      expect(await page.isVisible('#runs-table')).toBe(false);
      const s = JSON.parse(readFileSync(join(dir, 'world', 'live-B', 'summary.json'), 'utf8')) as { mrr: number };
      expect(Number(await page.getAttribute('#world-mrr td[data-run="world/live-B"]', 'data-value'))).toBeCloseTo(s.mrr, 12);
      await page.goto(`${pathToFileURL(file).href}#/run/${encodeURIComponent('world/static-B')}`);
      await page.click('section[data-id="world/static-B"] a:text-is("Sample/3")');
      await page.waitForSelector('#task-view[data-rendered="Sample/3"]');
      const t1 = page.locator('.turn[data-turn="1"]');
      expect(await t1.locator('.fb-user').textContent()).toBe('Line 4: replayed hint');
      expect(await t1.locator('summary').textContent()).toMatch(/diff from reference turn 0/);
      expect(await t1.locator('.diff-line.add').count()).toBeGreaterThan(0);
      await page.goto(`${pathToFileURL(file).href}#/runs`);
      await page.check('#runs-table tr[data-id="world/live-A"] input.pick');
      await page.check('#runs-table tr[data-id="world/live-B"] input.pick');
      await page.click('#compare-btn');
      await page.waitForSelector('.pair-result:not([hidden]) .pair-table');
      expect(await page.locator('.pair-result:not([hidden])').count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'compare-report.png'), fullPage: true });
    } finally {
      await b.close();
    }
  });
});
