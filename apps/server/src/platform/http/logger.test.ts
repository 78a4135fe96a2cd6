import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FLUSH_BYTES,
  FLUSH_DELAY_MS,
  loggerOptions,
  redactSecretMembers,
  scrubbingDestination,
  stdoutDestination,
} from './logger.ts';

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

describe('the scrubbing destination', () => {
  const TOKEN = { pattern: /(tes_pat_)[0-9A-Za-z]+/g, marker: 'tes_' };

  it('redacts every match in a line that holds the marker, keeping the first group', () => {
    const written: string[] = [];
    const destination = scrubbingDestination({ write: (line) => written.push(line) }, [TOKEN]);
    destination.write('{"url":"/api/x/tes_pat_abc123","err":"tes_pat_Zz9 leaked"}\n');
    expect(written).toEqual(['{"url":"/api/x/tes_pat_[redacted]","err":"tes_pat_[redacted] leaked"}\n']);
  });

  it('writes a line without the marker as it is, unsearched', () => {
    const written: string[] = [];
    // A pattern that would match, behind a marker the line lacks: the marker decides.
    const destination = scrubbingDestination({ write: (line) => written.push(line) }, [
      { pattern: /secret/g, marker: 'never-present' },
    ]);
    const line = '{"msg":"secret"}\n';
    destination.write(line);
    expect(written).toEqual([line]);
  });
});

describe('batched standard output', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the lines of a short interval in order, in one write, after FLUSH_DELAY_MS', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const out = stdoutDestination({ write: (text: string) => writes.push(text) });
    out.write('a\n');
    out.write('b\n');
    vi.advanceTimersByTime(FLUSH_DELAY_MS - 1);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['a\nb\n']);
    out.write('c\n');
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(writes).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once when FLUSH_BYTES are pending, and nothing twice', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const out = stdoutDestination({ write: (text: string) => writes.push(text) });
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < FLUSH_BYTES / line.length; i += 1) out.write(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(FLUSH_BYTES);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(writes).toHaveLength(1);
  });
});
