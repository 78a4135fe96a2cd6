import { describe, expect, it } from 'vitest';
import { isStoreFull, isStoreUnavailable } from './store-errors.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isStoreUnavailable', () => {
  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['starting up', withCode('the database system is starting up', '57P03')],
    ['connection exception class', withCode('connection failure', '08006')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['wrapped', new Error('query failed', { cause: withCode('x', 'ECONNRESET') })],
    ['aggregate', new AggregateError([withCode('a', 'ECONNREFUSED')], 'all failed')],
    [
      'read-only data folder (EROFS, reported as 42501)',
      withCode('could not open file "base/5/16457": Read-only file system', '42501'),
    ],
  ])('%s is an outage', (_name, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['unique violation', withCode('duplicate key', '23505')],
    ['syntax error', withCode('syntax error', '42601')],
    ['a bug', new TypeError('x is undefined')],
    ['not an error', 'ECONNREFUSED'],
  ])('%s is not', (_name, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});

describe('isStoreFull', () => {
  it.each([
    [
      'disk_full (the embedded store as measured)',
      withCode('could not extend file "base/5/16457_fsm": No space left on device', '53100'),
    ],
    ['disk_full without the message', withCode('could not write block', '53100')],
    ['ENOSPC', withCode('write failed', 'ENOSPC')],
    ['quota', withCode('write failed', 'EDQUOT')],
    ['wrapped', new Error('query failed', { cause: withCode('x', '53100') })],
  ])('%s is a full store', (_name, error) => {
    expect(isStoreFull(error)).toBe(true);
    expect(isStoreUnavailable(error)).toBe(false);
  });

  it.each([
    ['out of memory', withCode('out of memory', '53200')],
    ['connection refused', withCode('connect ECONNREFUSED', 'ECONNREFUSED')],
    ['insufficient privilege', withCode('permission denied for table credentials', '42501')],
    ['not an error', 'ENOSPC'],
  ])('%s is not', (_name, error) => {
    expect(isStoreFull(error)).toBe(false);
  });
});
