/**
 * Redis connection settings for BullMQ: a `redis://[user:password@]host:port[/db]` URL (or
 * `rediss://` for TLS) or ioredis options. Commands wait through a Redis restart
 * (`maxRetriesPerRequest: null`, ioredis reconnecting with backoff) instead of failing, which
 * BullMQ workers require.
 */
import type { ConnectionOptions } from 'bullmq';
import { IcebergScanError } from '../errors.ts';

/** A Redis URL or ioredis connection options (or an ioredis instance). */
export type RedisConnection = string | ConnectionOptions;

/** ioredis options for `connection`, ready for BullMQ. */
export function redisConnectionOptions(connection: RedisConnection): ConnectionOptions {
  if (typeof connection !== 'string') {
    const isClient = typeof (connection as { duplicate?: unknown }).duplicate === 'function';
    return isClient ? connection : { maxRetriesPerRequest: null, ...(connection as object) } as ConnectionOptions;
  }
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new IcebergScanError('invalid_argument', `not a Redis URL: ${JSON.stringify(connection)}`, { expected: 'redis://host:port[/db]' });
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new IcebergScanError('invalid_argument', `not a Redis URL: ${JSON.stringify(connection)}`, { expected: 'redis://host:port[/db] or rediss://…' });
  }
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new IcebergScanError('invalid_argument', `Redis URL database must be a number, got ${JSON.stringify(db)}`, { expected: 'redis://host:port/0' });
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port !== '' ? Number(url.port) : 6379,
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
