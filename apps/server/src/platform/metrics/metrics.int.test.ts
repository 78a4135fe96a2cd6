import { describe, expect, it } from 'vitest';
import { createPat } from '../../../test/fixtures/index.ts';
import { bearer, buildAppForTest, signUp, useTestApp } from '../../../test/harness.ts';

const METRICS_TOKEN = 'metrics-secret-0123456789';

const ctx = useTestApp({ env: { METRICS_TOKEN } });

async function scrape(): Promise<string> {
  const response = await ctx.app.inject({ url: '/metrics', headers: bearer(METRICS_TOKEN) });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.body;
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
}

describe('/metrics', () => {
  it('is off unless METRICS_TOKEN is set', async () => {
    const plain = await buildAppForTest(ctx.store);
    expect((await plain.inject({ url: '/metrics' })).statusCode).toBe(404);
  });

  it('refuses a missing or wrong bearer secret with 401 problem+json', async () => {
    for (const headers of [{}, bearer('metrics-secret-0123456780'), { authorization: METRICS_TOKEN }]) {
      const response = await ctx.app.inject({ url: '/metrics', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'unauthenticated' });
    }
  });

  it('labels requests by route pattern and status, never by raw URL', async () => {
    await ctx.app.inject({ url: '/api/agents/agt_doesnotexist12345' });
    const text = await scrape();
    expect(text).toContain('route="/api/agents/:id"');
    expect(text).not.toContain('agt_doesnotexist12345');
    expect(text).toMatch(
      /tessera_http_request_duration_seconds_count\{method="GET",route="\/api\/agents\/:id",status="401"\} \d/,
    );
  });

  it('counts verification outcomes: store lookup, cache hit, negative hit and refusals by reason', async () => {
    const user = await signUp(ctx.app);
    const { token, secret } = await createPat(ctx.app, user, { name: 'metrics', scopes: ['profile:read'] });
    const before = await scrape();
    await ctx.app.inject({ url: '/api/me', headers: bearer(secret) });
    await ctx.app.inject({ url: '/api/me', headers: bearer(secret) });
    await ctx.app.inject({ url: '/api/me', headers: bearer('tes_pat_not-a-token') });
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    await ctx.app.inject({ url: '/api/me', headers: bearer(secret) });
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('tessera_token_verifications_total{outcome="cache_hit"}')).toBeGreaterThanOrEqual(1);
    expect(delta('tessera_token_store_lookups_total{result="ok"}')).toBeGreaterThanOrEqual(2);
    expect(delta('tessera_token_refusals_total{reason="malformed"}')).toBe(1);
    expect(delta('tessera_token_refusals_total{reason="revoked"}')).toBe(1);
    expect(value(after, 'tessera_revocation_feed_connected')).toBe(1);
    expect(value(after, 'tessera_token_cache_entries')).toBeGreaterThanOrEqual(0);
    expect(after).toContain('tessera_password_hash_queue_depth');
    expect(after).toContain('tessera_last_use_flush_duration_seconds');
  });

  it('counts rate-limit refusals by route', async () => {
    const limited = await buildAppForTest(ctx.store, {
      env: { METRICS_TOKEN, RATE_LIMIT_SIGN_IN_PER_MINUTE: '1' },
    });
    for (let i = 0; i < 3; i += 1) {
      await limited.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'x@example.test', password: 'wrong password here' },
      });
    }
    const text = (await limited.inject({ url: '/metrics', headers: bearer(METRICS_TOKEN) })).body;
    expect(value(text, 'tessera_rate_limit_refusals_total{route="/api/auth/login"}')).toBeGreaterThanOrEqual(
      1,
    );
  });
});
