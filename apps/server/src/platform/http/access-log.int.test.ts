import { describe, expect, it } from 'vitest';
import { buildAppForTest, captureLogs, signUp, useTestApp, useTestStore } from '../../../test/harness.ts';

const logs = captureLogs();

const ctx = useTestApp({ logStream: logs.stream });

function parsed(lines: string[]) {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('access log', () => {
  it('writes one line per request with method, status and time, and no query values', async () => {
    logs.lines.length = 0;
    await ctx.app.inject({ url: '/api/health?token=tes_pat_secretvalue' });
    await ctx.app.inject({ url: '/api/me' });
    const lines = parsed(logs.lines);
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.map((line) => [line.method, line.url, line.status])).toEqual([
      ['GET', '/api/health?token=[redacted]', 200],
      ['GET', '/api/me', 401],
    ]);
    expect(typeof requests[0]!.ms).toBe('number');
    // Bound by the request's child logger: one id per request.
    expect(requests.map((line) => typeof line.reqId)).toEqual(['string', 'string']);
    expect(requests[0]!.reqId).not.toBe(requests[1]!.reqId);
    expect(lines.some((line) => line.msg === 'incoming request' || line.msg === 'request completed')).toBe(
      false,
    );
    expect(logs.text()).not.toContain('secretvalue');
  });
});

describe('access log: refused requests (ADR 0043)', () => {
  const file = useTestStore();
  const FORGED = { authorization: 'Bearer tes_pat_000000000000000000000000000000000000000000000000' };

  async function refuse(app: Awaited<ReturnType<typeof buildAppForTest>>, from: string, times: number) {
    for (let i = 0; i < times; i += 1) {
      const response = await app.inject({ url: '/api/me', headers: FORGED, remoteAddress: from });
      expect(response.statusCode).toBe(401);
    }
  }

  it('logs the first refusal of a kind per address in full and counts the rest into one summary line', async () => {
    const own = captureLogs();
    const app = await buildAppForTest(file.store, { logStream: own.stream });
    const user = await signUp(app);
    await refuse(app, '203.0.113.7', 5);
    await refuse(app, '203.0.113.8', 1);
    await app.inject({ url: '/api/me', remoteAddress: '203.0.113.7' }); // no credential: another kind
    // Answered requests are still logged one by one.
    for (let i = 0; i < 3; i += 1) {
      const me = await app.inject({
        url: '/api/me',
        headers: { cookie: user.cookie },
        remoteAddress: '203.0.113.7',
      });
      expect(me.statusCode).toBe(200);
    }
    const before = parsed(own.lines).filter((line) => line.url === '/api/me');
    expect(before.map((line) => line.status)).toEqual([401, 401, 401, 200, 200, 200]);

    await app.close(); // closes the open windows: their counts are not lost
    const summaries = parsed(own.lines).filter((line) => line.msg === 'requests refused');
    expect(summaries).toEqual([
      expect.objectContaining({ level: 30, ip: '203.0.113.7', code: 'invalid_token', refused: 4 }),
    ]);
    expect(typeof summaries[0]!.since).toBe('string');
    expect(own.text()).not.toContain('tes_pat_0000');
  });

  it('logs every refusal with LOG_REFUSALS=each', async () => {
    const own = captureLogs();
    const app = await buildAppForTest(file.store, { logStream: own.stream, env: { LOG_REFUSALS: 'each' } });
    await refuse(app, '203.0.113.9', 3);
    await app.close();
    const lines = parsed(own.lines);
    expect(lines.filter((line) => line.msg === 'request' && line.status === 401)).toHaveLength(3);
    expect(lines.some((line) => line.msg === 'requests refused')).toBe(false);
  });
});
