import { redactPassword, redactPasswords, redisOptions } from './redis-connection';

describe('redisOptions', () => {
  it('reads host, port, credentials, database and TLS from the URL', () => {
    expect(redisOptions('redis://10.0.0.5:6380/2')).toEqual({
      host: '10.0.0.5',
      port: 6380,
      db: 2,
      maxRetriesPerRequest: null,
    });
    expect(redisOptions('rediss://ann:p%40ss@cache.lab')).toEqual({
      host: 'cache.lab',
      port: 6379,
      db: 0,
      username: 'ann',
      password: 'p@ss',
      tls: {},
      maxRetriesPerRequest: null,
    });
  });

  it('refuses what is not a Redis URL, naming the flag and the value', () => {
    expect(() => redisOptions('localhost:6379')).toThrow(
      '--queue localhost:6379: expected redis://HOST:PORT (or rediss:// for TLS), not localhost:',
    );
    expect(() => redisOptions('http://h:1')).toThrow('not http://');
    expect(() => redisOptions('redis://h:1/jobs')).toThrow('the path must be a database number, not "jobs"');
    expect(() => redisOptions('::')).toThrow('--queue ::: not a URL');
  });

  it('never prints a password', () => {
    expect(redactPassword('redis://ann:secret@h:1/0')).toBe('redis://ann:***@h:1/0');
    expect(redactPassword('redis://h:1')).toBe('redis://h:1');
    expect(redactPasswords('--queue=rediss://:s3cret@h:1/0')).toBe('--queue=rediss://:***@h:1/0');
    expect(() => redisOptions('http://ann:secret@h:1')).toThrow('--queue http://ann:***@h:1: expected');
  });
});
