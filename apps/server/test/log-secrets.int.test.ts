import { beforeEach, describe, expect, it } from 'vitest';
import { appLoggerOptions, buildApp } from '../src/app.ts';
import { generateToken, TOKEN_KINDS } from '../src/modules/credentials/token-format.ts';
import { captureLogs, signUp, testConfig, useTestApp } from './harness.ts';

/**
 * Issue 10 item 11: a secret never reaches the log, wherever the request carries it. Each
 * request below carries fresh secrets of every token kind (and a password) in one place; the
 * captured log output is then searched for any of them.
 */

const logs = captureLogs();

// Every refusal written in full (ADR 0043 folds repeats by default): these requests are mostly refused.
const ctx = useTestApp({ logStream: logs.stream, env: { LOG_REFUSALS: 'each' } });

const secrets: string[] = [];
beforeEach(() => {
  secrets.length = 0;
  logs.lines.length = 0;
});
function secret(kind: (typeof TOKEN_KINDS)[number]): string {
  const value = generateToken(kind);
  secrets.push(value);
  return value;
}
function password(): string {
  const value = `pw-${generateToken('pat').slice(8)}`;
  secrets.push(value);
  return value;
}

function expectNoSecretLogged() {
  const text = logs.text();
  expect(text.length).toBeGreaterThan(0);
  for (const value of secrets) {
    expect(text, 'a secret reached the log').not.toContain(value);
    // Nor its random part on its own (a prefix-stripping redaction would still leak it).
    expect(text).not.toContain(value.slice(-40));
  }
}

describe('no secret reaches the log', () => {
  it.each([...TOKEN_KINDS])('redacts a tes_%s_ token in the URL path, also percent-encoded', async (kind) => {
    const token = secret(kind);
    await ctx.app.inject({
      url: `/api/agents/${token}`,
      headers: { authorization: `Bearer ${secret('pat')}` },
    });
    await ctx.app.inject({ url: `/api/agents/${token.replace(/_/g, '%5F').replace(/a/g, '%61')}` });
    await ctx.app.inject({ url: `/api/nothing/here/${token}` });
    expect(logs.text()).toContain(`tes_${kind}_[redacted]`);
    expectNoSecretLogged();
  });

  it.each([...TOKEN_KINDS])(
    'redacts a tes_%s_ token in the query, under any parameter name',
    async (kind) => {
      await ctx.app.inject({ url: `/api/agents?cursor=${secret(kind)}&q=${secret(kind)}` });
      await ctx.app.inject({ url: `/api/health?access_token=${secret(kind)}&x=${secret(kind)}` });
      expectNoSecretLogged();
    },
  );

  it('never logs the Authorization header or the session cookie', async () => {
    for (const kind of TOKEN_KINDS) {
      await ctx.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${secret(kind)}` } });
      await ctx.app.inject({ url: '/api/me', headers: { cookie: `tessera_session=${secret(kind)}` } });
      await ctx.app.inject({
        method: 'POST',
        url: '/api/account/tokens',
        headers: { cookie: `tessera_session=${secret(kind)}`, origin: 'https://evil.example' },
        payload: { name: 'x', scopes: ['agents:read'] },
      });
    }
    expectNoSecretLogged();
  });

  it('never logs JSON body members token, secret and password', async () => {
    const user = await signUp(ctx.app);
    await ctx.app.inject({ method: 'POST', url: '/api/oauth/revoke', payload: { token: secret('acc') } });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: user.email, password: password() },
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'not-an-email', password: password(), secret: secret('ses') },
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/provider-accounts',
      headers: { cookie: user.cookie },
      payload: { provider: 'github', name: 'leak', token: secret('pat') },
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/account/tokens',
      headers: { cookie: user.cookie },
      payload: { name: secret('pat'), scopes: ['agents:read'], secret: secret('aut') },
    });
    expectNoSecretLogged();
  });

  it('never logs form bodies of the OAuth endpoints', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: form,
      payload: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: secret('ref') }).toString(),
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: form,
      payload: new URLSearchParams({
        grant_type: 'password',
        username: 'a@b.test',
        password: password(),
      }).toString(),
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/oauth/revoke',
      headers: form,
      payload: new URLSearchParams({ token: secret('acc') }).toString(),
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: form,
      payload: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: secret('ses'),
      }).toString(),
    });
    expectNoSecretLogged();
  });

  it('scrubs a token from the message and stack of an unexpected error', async () => {
    const leaky = secret('pat');
    const raw = await buildApp({
      config: testConfig(),
      database: ctx.store,
      logger: appLoggerOptions('trace', logs.stream),
    });
    raw.get('/api/test-explode', { config: { auth: 'public' } }, async () => {
      throw new Error(`invalid input syntax for type bigint: "${leaky}"`);
    });
    try {
      const response = await raw.inject({ url: '/api/test-explode' });
      expect(response.statusCode).toBe(500);
      expect(logs.text()).toContain('invalid input syntax for type bigint: \\"tes_pat_[redacted]\\"');
    } finally {
      await raw.close();
    }
    expectNoSecretLogged();
  });
});
