import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl } from '../../../test/fakes/fake-http.ts';
import { startFakeSecretScanningKeys } from '../../../test/fakes/github-secret-scanning.ts';
import { createPat } from '../../../test/fixtures/index.ts';
import { secretScanningAlert } from '../../../test/fixtures/secret-scanning-alerts.ts';
import { meStatus, sendAlert } from '../../../test/fixtures/secret-scanning-requests.ts';
import { buildAppForTest, captureLogs, signUp, testClock, useTestApp } from '../../../test/harness.ts';

/**
 * The key cache cannot be drained (issue #10, item 5): alerts with made-up key ids, however many
 * and however concurrent, fetch GitHub's key list at most once per interval, and the fetch is
 * authenticated when a token is configured.
 */

let keys: Awaited<ReturnType<typeof startFakeSecretScanningKeys>>;
const clock = testClock();
const KEYS_TOKEN = `ghp_${randomBytes(18).toString('hex')}`;

beforeAll(async () => {
  keys = await startFakeSecretScanningKeys();
});
afterAll(async () => {
  await keys.close();
});

const ctx = useTestApp(() => ({
  clock,
  env: {
    GITHUB_SECRET_SCANNING_KEYS_URL: keys.url,
    GITHUB_SECRET_SCANNING_KEYS_TOKEN: KEYS_TOKEN,
    GITHUB_SECRET_SCANNING_KEYS_MIN_REFRESH_SECONDS: '300',
    RATE_LIMIT_SECRET_SCANNING_PER_MINUTE: '100000',
  },
}));

const body = secretScanningAlert(['tes_pat_x'], 'u');

function forgedAlert() {
  return sendAlert(ctx.app, body, {
    'content-type': 'application/json',
    'github-public-key-identifier': randomBytes(16).toString('hex'),
    'github-public-key-signature': randomBytes(70).toString('base64'),
  });
}

describe('the secret-scanning key cache', () => {
  it('fetches the key list at most once for 125 alerts with random key ids, concurrent or not', async () => {
    const before = keys.requests;
    const concurrent = await Promise.all(Array.from({ length: 25 }, () => forgedAlert()));
    for (let i = 0; i < 100; i += 1) concurrent.push(await forgedAlert());
    expect(concurrent.map((r) => r.statusCode)).toEqual(Array(125).fill(401));
    expect(keys.requests - before).toBeLessThanOrEqual(1);
    // Authenticated with the configured token.
    expect(keys.authorizations.at(-1)).toBe(`Bearer ${KEYS_TOKEN}`);
  });

  it('picks up a real new key once the interval has passed, and a key it knows without fetching', async () => {
    const user = await signUp(ctx.app);
    const { secret } = await createPat(ctx.app, user, { name: 'leaky', scopes: ['profile:read'] });
    const alert = secretScanningAlert([secret]);
    keys.addKey('key-rotated');

    // Within the interval the new key id is not fetched for: refused, fail closed, nothing revoked.
    const early = await sendAlert(ctx.app, alert, keys.sign(alert, 'key-rotated'));
    expect(early.statusCode).toBe(401);
    expect(await meStatus(ctx.app, secret)).toBe(200);

    clock.advance(300_000);
    const before = keys.requests;
    const late = await sendAlert(ctx.app, alert, keys.sign(alert, 'key-rotated'));
    expect(late.statusCode).toBe(200);
    expect(late.json()[0].label).toBe('true_positive');
    expect(keys.requests - before).toBe(1);

    // The original key is cached: no fetch at all.
    const again = await sendAlert(ctx.app, alert, keys.sign(alert, 'key-1'));
    expect(again.statusCode).toBe(200);
    expect(keys.requests - before).toBe(1);
  });

  it('fails closed when the key endpoint cannot be reached, and the log says why', async () => {
    const logs = captureLogs();
    const offline = await buildAppForTest(ctx.store, {
      clock,
      env: {
        GITHUB_SECRET_SCANNING_KEYS_URL: await closedPortUrl(),
        RATE_LIMIT_SECRET_SCANNING_PER_MINUTE: '1000',
      },
      logStream: logs.stream,
    });
    const alert = await sendAlert(offline, body, keys.sign(body, 'key-1'));
    expect(alert.statusCode).toBe(401);
    const warning = logs.lines.find((line) => line.includes('GitHub signing keys could not be fetched'));
    expect(warning).toContain('ECONNREFUSED');
  });
});
