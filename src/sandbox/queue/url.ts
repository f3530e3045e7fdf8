import type { RedisOptions } from 'ioredis';
import { UserError } from '../../util/errors.js';
import { maskSecrets } from '../../util/secrets.js';

export interface QueueUrl {
  /** Connection options for ioredis (BullMQ connections are built from these). */
  redis: RedisOptions;
  /** The URL with any password masked, for messages and logs. */
  display: string;
}

/** Parses redis://[:password@]host:port[/db] (rediss:// for TLS); `source` names where it came from. */
export function parseQueueUrl(url: string, source = '--queue'): QueueUrl {
  const bad = (why: string): UserError =>
    new UserError('BAD_QUEUE_URL', `${source}: ${why} in "${mask(url)}" (expected redis://[:password@]host:port[/db] or rediss://...)`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`scheme must be redis: or rediss:, not ${u.protocol}`);
  if (!u.hostname) throw bad('no host');
  const port = u.port ? Number(u.port) : 6379;
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw bad(`database must be a number, not "${path}"`);
  const db = path === '' ? 0 : Number(path);
  if (db > 15) throw bad(`database ${db} is out of range 0-15`);
  if (u.search || u.hash) throw bad('query strings and fragments are not supported');
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const redis: RedisOptions = { host, port, db };
  if (u.username) redis.username = decodeURIComponent(u.username);
  if (u.password) redis.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') redis.tls = { servername: host };
  return { redis, display: mask(`${u.protocol}//${u.username || u.password ? `${u.username}:${u.password}@` : ''}${u.host}/${db}`) };
}

/** Replaces the password of a redis URL with "***" so that messages never print it. */
export function mask(url: string): string {
  return maskSecrets(url.replace(/^(rediss?:\/\/[^:/@]*:)[^@]*@/, '$1***@'));
}
