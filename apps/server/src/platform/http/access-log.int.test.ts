import { describe, expect, it } from 'vitest';
import { captureLogs, useTestApp } from '../../../test/harness.ts';

const logs = captureLogs();

const ctx = useTestApp({ logStream: logs.stream });

describe('access log', () => {
  it('writes one line per request with method, status and time, and no query values', async () => {
    logs.lines.length = 0;
    await ctx.app.inject({ url: '/api/health?token=tes_pat_secretvalue' });
    await ctx.app.inject({ url: '/api/me' });
    const lines = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.map((line) => [line.method, line.url, line.status])).toEqual([
      ['GET', '/api/health?token=[redacted]', 200],
      ['GET', '/api/me', 401],
    ]);
    expect(typeof requests[0]!.ms).toBe('number');
    expect(lines.some((line) => line.msg === 'incoming request' || line.msg === 'request completed')).toBe(
      false,
    );
    expect(logs.text()).not.toContain('secretvalue');
  });
});
