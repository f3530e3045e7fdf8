import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT, commands, docFiles, helpOf, mapLimit, markedBlocks, masked, replaceBodies, subcommandsOf } from '../../scripts/docs/lib.mjs';

// Every --help pasted in the docs is what the command prints today (npm run docs:sync rewrites them).
const blocks = docFiles().flatMap((file) => markedBlocks(readFileSync(join(ROOT, file), 'utf8'), 'help').map((block) => ({ file, block })));

describe('pasted --help blocks', () => {
  const actual = new Map<string, string>();
  beforeAll(async () => {
    const keys = [...new Set(blocks.map((b) => b.block.key))];
    const texts = await mapLimit(keys, 2, (k) => helpOf(k));
    keys.forEach((k, i) => actual.set(k, texts[i]!));
  });

  test('the docs paste the help of every command and subcommand', () => {
    const pasted = new Set(blocks.map((b) => b.block.key));
    const all = Object.keys(commands()).flatMap((c) => [c, ...subcommandsOf(actual.get(c) ?? '').map((s) => `${c} ${s}`)]);
    expect(all.filter((c) => !pasted.has(c))).toEqual([]);
  });

  test.each(blocks.map((b) => [`${b.file}: ${b.block.key}`, b] as const))('%s', (_name, b) => {
    expect(b.block.body, 'stale paste; run npm run docs:sync').toBe(actual.get(b.block.key));
  });
});

describe('the block machinery', () => {
  const text = 'a\n<!-- help: run-eval -->\n```text\nold\nlines\n```\nb\n<!-- output: quick-start -->\n```text\nx\n```\n';

  test('finds marked blocks and replaces only their bodies', () => {
    const [help] = markedBlocks(text, 'help');
    expect(help).toMatchObject({ key: 'run-eval', body: 'old\nlines' });
    expect(replaceBodies(text, [{ block: help!, body: 'new' }])).toBe(text.replace('old\nlines', 'new'));
    expect(markedBlocks(text, 'output').map((b) => b.key)).toEqual(['quick-start']);
  });

  test('masks hide run-directory paths and timings, nothing else', () => {
    expect(masked('run directory: logs/a_1  (2 s)')).toBe(masked('run directory: /tmp/b  (9.5 s)'));
    expect(masked('MRR 30.1')).not.toBe(masked('MRR 30.2'));
  });
});
