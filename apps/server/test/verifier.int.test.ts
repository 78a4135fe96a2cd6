import { hash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, IntrospectionError } from '../../../packages/client/src/verifier.ts';
import { signUp, useTestApp } from './harness.ts';

// @tessera/client/verifier against a real listening server (issue #16 item 6, ADR 0032).
const SECRET = 'verifier-test-secret-0123456789';
let baseUrl: string;

const ctx = useTestApp({ env: { INTROSPECTION_CLIENTS: `svc:${hash('sha256', SECRET)}` } });
beforeAll(async () => {
  baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
});

describe('createVerifier', () => {
  it('verifies a live PAT, caches it briefly, and honours revocation once the TTL has passed', async () => {
    const user = await signUp(ctx.app);
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/tokens',
      headers: { cookie: user.cookie },
      payload: { name: 'svc', scopes: ['repos:write'], expires_in_days: 7 },
    });
    const { token, secret } = created.json();
    let now = Date.now();
    let calls = 0;
    const verifier = createVerifier({
      baseUrl,
      clientId: 'svc',
      clientSecret: SECRET,
      cacheTtlMs: 5_000,
      now: () => now,
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    const verified = await verifier.verify(secret);
    expect(verified).toMatchObject({
      sub: user.id,
      scopes: ['repos:write'],
      tokenKind: 'personal_access_token',
    });
    expect(verifier.hasScope(verified!, 'repos:read')).toBe(true);
    expect(verifier.hasScope(verified!, 'agents:read')).toBe(false);
    await verifier.verify(secret);
    expect(calls).toBe(1);

    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/account/tokens/${token.id}`,
      headers: { cookie: user.cookie },
    });
    // Within the TTL the cached answer stands; after it, the revocation binds.
    expect(await verifier.verify(secret)).not.toBeNull();
    now += 5_001;
    expect(await verifier.verify(secret)).toBeNull();
    expect(calls).toBe(2);
    // Negative answers are not cached.
    expect(await verifier.verify('garbage')).toBeNull();
    expect(await verifier.verify('garbage')).toBeNull();
    expect(calls).toBe(4);
  });

  it('throws IntrospectionError for a wrong client secret', async () => {
    const verifier = createVerifier({ baseUrl, clientId: 'svc', clientSecret: 'wrong' });
    await expect(verifier.verify('tes_pat_x')).rejects.toBeInstanceOf(IntrospectionError);
  });
});
