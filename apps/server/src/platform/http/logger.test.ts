import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, redactSecretMembers, stdoutDestination } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const logger = pino(loggerOptions('info') as never, { write: (line: string) => lines.push(line) });
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('log redaction', () => {
  it('censors secret members at the top level and one level down, and nothing else', () => {
    const { logger, lines } = capture();
    const body = { name: 'kept', password: 'hunter2', token: 'tes_pat_x', code_verifier: 'v' };
    logger.info({ body, secret: 's3', refresh_token: 'r', status: 401, url: '/api/me' }, 'm');
    const [line] = lines();
    expect(line).toMatchObject({
      body: { name: 'kept', password: '[redacted]', token: '[redacted]', code_verifier: '[redacted]' },
      secret: '[redacted]',
      refresh_token: '[redacted]',
      status: 401,
      url: '/api/me',
    });
    // The caller's object is not changed.
    expect(body.password).toBe('hunter2');
  });

  it('censors headers and keeps an error an error', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error('boom'), { token: 'tes_acc_y' });
    logger.error({ err, headers: { authorization: 'Bearer z', cookie: 'c', accept: '*/*' } }, 'failed');
    const [line] = lines();
    expect(line!.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' });
    expect(line!.err).toMatchObject({ type: 'Error', message: 'boom', token: '[redacted]' });
    expect(String((line!.err as { stack: string }).stack)).toContain('boom');
    expect(err.token).toBe('tes_acc_y');
  });

  it('returns a line without secret members unchanged (no copy on the hot path)', () => {
    const line = { method: 'GET', url: '/x', status: 200, nested: { a: 1 }, list: [{ password: 'p' }] };
    expect(redactSecretMembers(line)).toBe(line);
  });
});

describe('batched standard output', () => {
  it('writes the lines of one event-loop turn in order, in one write', async () => {
    const writes: string[] = [];
    const out = stdoutDestination({ write: (text: string) => writes.push(text) });
    out.write('a\n');
    out.write('b\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    out.write('c\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });
});
