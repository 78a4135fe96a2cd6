import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from './standard-webhooks.ts';

describe('Standard Webhooks signatures', () => {
  it('matches the specification’s published example', () => {
    // The example of the Standard Webhooks specification (spec/standard-webhooks.md).
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    const body = '{"test": 2432232314}';
    expect(signWebhook(secret, id, 1614265330, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs HMAC-SHA256 of id.timestamp.body with the decoded secret', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const key = Buffer.from(secret.slice(6), 'base64');
    const mac = createHmac('sha256', key).update('id1.100.{}').digest('base64');
    expect(webhookHeaders(secret, 'id1', 100, '{}')).toEqual({
      'webhook-id': 'id1',
      'webhook-timestamp': '100',
      'webhook-signature': `v1,${mac}`,
    });
  });

  it('verifies only the exact body, id and timestamp, within the tolerance', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (body, id, ts) => {
          const secret = generateWebhookSecret();
          const signature = signWebhook(secret, id, ts, body);
          expect(verifyWebhook(secret, { id, timestamp: String(ts), signature }, body, ts)).toBe(true);
          expect(verifyWebhook(secret, { id, timestamp: String(ts), signature }, `${body}x`, ts)).toBe(false);
          expect(verifyWebhook(secret, { id: `${id}x`, timestamp: String(ts), signature }, body, ts)).toBe(
            false,
          );
          expect(verifyWebhook(secret, { id, timestamp: String(ts), signature }, body, ts + 301)).toBe(false);
          expect(
            verifyWebhook(generateWebhookSecret(), { id, timestamp: String(ts), signature }, body, ts),
          ).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });
});
