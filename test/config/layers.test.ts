import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveLayers } from '../../src/config/layers.js';
import { resolveBuildConfig, resolveRunConfig } from '../../src/repo/config.js';

const dir = mkdtempSync(join(tmpdir(), 'config-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const yaml = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('resolveLayers', () => {
  const schema = z.object({ a: z.number().int().positive(), b: z.object({ c: z.string() }).strict(), d: z.boolean().optional() }).strict();
  const base = { file: 'defaults.yaml', values: { a: 1, b: { c: 'x' } } };

  it('merges later layers over earlier ones, mappings key by key', () => {
    expect(resolveLayers(schema, [base, { file: 'cli', values: { a: 2, b: { c: 'y' }, d: undefined } }])).toEqual({ a: 2, b: { c: 'y' } });
  });

  it('refuses a bad value in a layer even when a later layer overrides it, blaming that layer', () => {
    expect(() => resolveLayers(schema, [base, { file: 'my.yaml', values: { a: -1 } }, { file: 'command line', values: { a: 3 } }]))
      .toThrow(/^my.yaml: key "a": /);
    expect(() => resolveLayers(schema, [base, { file: 'my.yaml', values: { b: { e: 1 } } }, { file: 'command line', values: {} }]))
      .toThrow(/^my.yaml: key "b.e": /);
  });

  it('blames the last layer that sets a bad key', () => {
    expect(() => resolveLayers(schema, [base, { file: 'command line', values: { a: 0 } }])).toThrow(/^command line: key "a": /);
  });
});

describe('run-repo config layers are checked', () => {
  it('a bad --config value that a flag overrides is refused', () => {
    const bad = yaml('bad-run.yaml', 'max_iter: 0\n');
    expect(() => resolveRunConfig(bad, { max_iter: 3 })).toThrow(new RegExp(`^${bad}: key "max_iter": `));
    const unknown = yaml('unknown-run.yaml', 'max_iterations: 3\n');
    expect(() => resolveRunConfig(unknown, {})).toThrow(/key "max_iterations": Unrecognized key/);
  });

  it('a good --config layer and the flags still merge', () => {
    const good = yaml('good-run.yaml', 'max_iter: 4\nseed: 9\n');
    expect(resolveRunConfig(good, { seed: 2 })).toMatchObject({ max_iter: 4, seed: 2 });
    const build = yaml('bad-build.yaml', 'batch_size: 500\n');
    expect(() => resolveBuildConfig(build, { batch_size: 3 })).toThrow(/bad-build.yaml: key "batch_size"/);
  });
});
