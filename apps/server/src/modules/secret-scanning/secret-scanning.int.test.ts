import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSecretScanningKeys } from '../../../test/fakes/github-secret-scanning.ts';
import { storedAuditTargetTypes } from '../../../test/fixtures/audit-rows.ts';
import { createPat } from '../../../test/fixtures/index.ts';
import { secretScanningAlert } from '../../../test/fixtures/secret-scanning-alerts.ts';
import { meStatus, sendAlert } from '../../../test/fixtures/secret-scanning-requests.ts';
import { signUp, testClock, useTestApp } from '../../../test/harness.ts';
import { generateToken } from '../credentials/token-format.ts';

let keys: Awaited<ReturnType<typeof startFakeSecretScanningKeys>>;
const clock = testClock();

beforeAll(async () => {
  keys = await startFakeSecretScanningKeys();
});
afterAll(async () => {
  await keys.close();
});

const ctx = useTestApp(() => ({ clock, env: { GITHUB_SECRET_SCANNING_KEYS_URL: keys.url } }));

/** An alert reporting `tokens` as found in one file of octo/repo. */
const alert = (tokens: string[]) =>
  secretScanningAlert(tokens, 'https://github.com/octo/repo/blob/abc/config.yml');

async function leakedPat() {
  const user = await signUp(ctx.app);
  return { user, ...(await createPat(ctx.app, user, { name: 'leaky', scopes: ['profile:read'] })) };
}

describe('GitHub secret-scanning alerts', () => {
  it('revokes a reported token, labels each report, and audits where it leaked', async () => {
    const { user, token, secret } = await leakedPat();
    const notOurs = generateToken('pat');
    const body = alert([secret, notOurs, 'ghp_notatesseratoken']);
    const response = await sendAlert(ctx.app, body, keys.sign(body));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([
      { token_raw: secret, token_type: 'tessera_personal_access_token', label: 'true_positive' },
      { token_raw: notOurs, token_type: 'tessera_personal_access_token', label: 'false_positive' },
      {
        token_raw: 'ghp_notatesseratoken',
        token_type: 'tessera_personal_access_token',
        label: 'false_positive',
      },
    ]);
    expect(await meStatus(ctx.app, secret)).toBe(401);
    const events = (
      await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
    ).json().events;
    expect(events[0]).toMatchObject({
      action: 'token.leaked_revoked',
      target_type: 'personal_access_token',
      target_id: token.id,
      metadata: { source: 'content', url: 'https://github.com/octo/repo/blob/abc/config.yml' },
    });
    // Stored under the list's name, not the credential kind `personal` (ADR 0040).
    const stored = await storedAuditTargetTypes(ctx.store, 'token.leaked_revoked', [token.id]);
    expect(stored).toEqual([{ target_type: 'personal_access_token' }]);

    // The same alert again is idempotent: still a true positive, no second audit event.
    const again = await sendAlert(ctx.app, body, keys.sign(body));
    expect(again.json()[0].label).toBe('true_positive');
    const after = (
      await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
    ).json().events;
    expect(after.filter((e: { action: string }) => e.action === 'token.leaked_revoked')).toHaveLength(1);
  });

  it.each([
    [
      'a bad signature',
      (body: string) => ({
        ...keys.sign(body),
        'github-public-key-signature': keys.sign('something else')['github-public-key-signature'],
      }),
    ],
    [
      'an unknown key id',
      (body: string) => ({ ...keys.sign(body), 'github-public-key-identifier': 'no-such-key' }),
    ],
    ['a body re-serialised with other whitespace', (body: string) => keys.sign(body.replace(/,/g, ', '))],
  ])('refuses %s with 401 and revokes nothing', async (_label, headersFor) => {
    const { secret } = await leakedPat();
    const body = alert([secret]);
    const headers = headersFor(body) as Record<string, string>;
    const response = await sendAlert(ctx.app, body, headers);
    expect(response.statusCode).toBe(401);
    expect(await meStatus(ctx.app, secret)).toBe(200);
  });

  it('refuses missing signature headers with 400', async () => {
    const { secret } = await leakedPat();
    const body = alert([secret]);
    const response = await sendAlert(ctx.app, body, { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(await meStatus(ctx.app, secret)).toBe(200);
  });

  it('refreshes the keys once for a new key id, and fails closed when the key endpoint is down', async () => {
    keys.addKey('key-2');
    const { secret } = await leakedPat();
    const body = alert([secret]);
    // Past the minimum interval between refreshes (GITHUB_SECRET_SCANNING_KEYS_MIN_REFRESH_SECONDS).
    clock.advance(301_000);
    const before = keys.requests;
    const response = await sendAlert(ctx.app, body, keys.sign(body, 'key-2'));
    expect(response.statusCode).toBe(200);
    expect(keys.requests - before).toBe(1);

    keys.addKey('key-3');
    keys.setDown(true);
    clock.advance(301_000);
    try {
      const second = await leakedPat();
      const body3 = alert([second.secret]);
      const refused = await sendAlert(ctx.app, body3, keys.sign(body3, 'key-3'));
      expect(refused.statusCode).toBe(401);
      expect(await meStatus(ctx.app, second.secret)).toBe(200);
    } finally {
      keys.setDown(false);
    }
  });

  it('handles 1000 reports in one alert', async () => {
    const { secret } = await leakedPat();
    const tokens = [secret, ...Array.from({ length: 999 }, () => generateToken('pat'))];
    const body = alert(tokens);
    const response = await sendAlert(ctx.app, body, keys.sign(body));
    expect(response.statusCode).toBe(200);
    const labels = response.json() as Array<{ label: string }>;
    expect(labels).toHaveLength(1000);
    expect(labels.filter((l) => l.label === 'true_positive')).toHaveLength(1);
  });
});
