import IORedis, { RedisOptions } from 'ioredis';
import { RtlabError } from '@rtlab/sdk';

/** BullMQ's queue name: every coordinator and worker on one Redis shares it. */
export const QUEUE_NAME = 'rtlab';

/**
 * Connection options from `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). BullMQ
 * needs `maxRetriesPerRequest: null`: its blocking commands must wait, not fail, while Redis restarts.
 */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RtlabError('usage', `--queue ${redactPassword(url)}: not a URL; expected redis://HOST:PORT`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new RtlabError(
      'usage',
      `--queue ${redactPassword(url)}: expected redis://HOST:PORT (or rediss:// for TLS), not ${u.protocol}//`,
    );
  const db = u.pathname.replace(/^\//, '');
  if (db && !/^\d+$/.test(db))
    throw new RtlabError('usage', `--queue ${redactPassword(url)}: the path must be a database number, not "${db}"`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: db ? Number(db) : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * Fails with one line naming the URL when Redis cannot be reached: BullMQ itself would retry forever in
 * silence. Connects once, without retries, and pings.
 */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const client = new IORedis({
    ...redisOptions(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  let cause: Error | undefined; // ioredis rejects with "Connection is closed"; the socket's error says why
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new RtlabError('config', `cannot reach Redis at ${redactPassword(url)}: ${(cause ?? (e as Error)).message}`);
  } finally {
    client.disconnect();
  }
}

/** Any Redis URL's password in a text (a command line) becomes "***". */
export function redactPasswords(text: string): string {
  return text.replace(/(rediss?:\/\/[^:@/\s]*:)[^@/\s]+@/g, '$1***@');
}

/** The URL as it may be printed: a password in it becomes "***". */
export function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
