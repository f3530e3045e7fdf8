import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRunConfig } from '../../src/run/config.js';
import { lockRunDir } from '../../src/run/lock.js';
import { maskSecrets } from '../../src/util/secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'masked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('passwords are masked wherever they are written or printed', () => {
  it('maskSecrets hides every URL password and leaves the rest', () => {
    expect(maskSecrets('run-eval --queue redis://:s3cret@h:6379/0 --out x')).toBe('run-eval --queue redis://:***@h:6379/0 --out x');
    expect(maskSecrets('{"queue":"rediss://u:p%40ss@h:1"}')).toBe('{"queue":"rediss://u:***@h:1"}');
    expect(maskSecrets('http://host:8080/v1')).toBe('http://host:8080/v1');
  });

  it('the lock file and the "in use by" message carry no password', () => {
    const argv = process.argv;
    process.argv = [argv[0]!, 'run-eval', '--queue', 'redis://:s3cret@127.0.0.1:6379/0'];
    try {
      const lock = lockRunDir(dir);
      expect(readFileSync(lock.file, 'utf8')).not.toContain('s3cret');
      expect(readFileSync(lock.file, 'utf8')).toContain('redis://:***@127.0.0.1');
      // A second taker in this process sees the holder's command, masked.
      let message = '';
      try { lockRunDir(dir); } catch (e) { message = (e as Error).message; }
      expect(message).toContain('is in use by');
      expect(message).not.toContain('s3cret');
      lock.release();
    } finally {
      process.argv = argv;
    }
  });

  it('config.yaml of a run (run-world writes sandbox.queue) has the password masked', () => {
    writeRunConfig(dir, 'world', { sandbox: { kind: 'queue', queue: 'redis://:s3cret@10.0.0.1:6379/1' } });
    const text = readFileSync(join(dir, 'config.yaml'), 'utf8');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('redis://:***@10.0.0.1:6379/1');
  });
});
