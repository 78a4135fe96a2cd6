import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../../../test/fakes/github.ts';
import { startFakeSecretScanningKeys } from '../../../test/fakes/github-secret-scanning.ts';
import { type SmtpSink, startSmtpSink } from '../../../test/fakes/smtp-sink.ts';
import { addGitHubAccount, automationToken, createPat } from '../../../test/fixtures/index.ts';
import { revokePat, rotatePat } from '../../../test/fixtures/pat-actions.ts';
import { postSignedAlert, secretScanningAlert } from '../../../test/fixtures/secret-scanning-alerts.ts';
import {
  bearer,
  signUp,
  TEST_PASSWORD,
  type TestUser,
  testClock,
  testConfig,
  useTestApp,
} from '../../../test/harness.ts';
import { DAY_MS } from '../../platform/clock.ts';
import { revokeTokenAsOperator } from '../tokens/operator-revoke.ts';
import { CONFIGURABLE_NOTICE_KINDS } from './notice-kinds.ts';
import { verifyWebhook } from './standard-webhooks.ts';

/**
 * A webhook receiver on 127.0.0.1 that verifies every signature with the endpoint's secret; closed
 * when the test that started it ends.
 */
interface Receiver {
  url: string;
  secret: string;
  received: Array<{ id: string; verified: boolean; body: { type: string; data: Record<string, unknown> } }>;
  /** Status codes to answer with, in order; 200 when empty. */
  answers: number[];
  close(): Promise<void>;
}

async function startReceiver(now: () => number): Promise<Receiver> {
  const receiver: Receiver = { url: '', secret: '', received: [], answers: [], close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = receiver.answers.shift() ?? 200;
      if (status === 200) {
        receiver.received.push({
          id: String(request.headers['webhook-id']),
          verified: verifyWebhook(
            receiver.secret,
            {
              id: String(request.headers['webhook-id']),
              timestamp: String(request.headers['webhook-timestamp']),
              signature: String(request.headers['webhook-signature']),
            },
            body,
            Math.floor(now() / 1000),
          ),
          body: JSON.parse(body),
        });
      }
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  onTestFinished(() => receiver.close());
  return receiver;
}

let smtp: SmtpSink;
let github: FakeGitHub;
let scanningKeys: Awaited<ReturnType<typeof startFakeSecretScanningKeys>>;
let env: Record<string, string>;
const clock = testClock();

// The fakes start first: the app's configuration names them.
beforeAll(async () => {
  smtp = await startSmtpSink();
  github = await startFakeGitHub();
  scanningKeys = await startFakeSecretScanningKeys();
  env = {
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Tessera <notices@tessera.test>',
    WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
    GITHUB_API_URL: github.url,
    GITHUB_SECRET_SCANNING_KEYS_URL: scanningKeys.url,
    PROVIDER_TIMEOUT_MS: '3000',
  };
});
afterAll(async () => {
  await smtp.close();
  await github.close();
  await scanningKeys.close();
});
const ctx = useTestApp(() => ({ clock, env }));

const as = (user: TestUser) => ({ cookie: user.cookie });

async function drain() {
  for (let i = 0; i < 20; i += 1) {
    const { fannedOut, attempted } = await ctx.app.noticeWorker.runOnce();
    if (fannedOut === 0 && attempted === 0) return;
  }
}

/** POST /api/account/webhooks: the endpoint and its secret (shown this once). */
async function createEndpoint(user: TestUser, payload: { url: string; kinds?: string[] }) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/account/webhooks',
    headers: as(user),
    payload,
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { endpoint: { id: string }; secret: string };
}

/** An endpoint delivering to `receiver`, which learns the secret to verify with. */
async function addEndpoint(user: TestUser, receiver: Receiver, kinds?: string[]) {
  const { endpoint, secret } = await createEndpoint(user, { url: receiver.url, ...(kinds ? { kinds } : {}) });
  receiver.secret = secret;
  return endpoint.id;
}

const createToken = (user: TestUser, name: string, days = 30) =>
  createPat(ctx.app, user, { name, scopes: ['agents:read'], expires_in_days: days });

describe('every event reaches in-app, e-mail and webhooks', () => {
  it('every kind, raised by its real producer, arrives in-app, by e-mail and as a signed webhook', async () => {
    const receiver = await startReceiver(() => clock.now().getTime());
    const user = await signUp(ctx.app);
    await addEndpoint(user, receiver);
    const secrets: string[] = [];
    const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      ctx.app.inject({
        method: 'POST',
        url,
        headers: { ...as(user), ...headers },
        payload: payload as object,
      });

    // Every kind through the code that raises it in production; no notice is enqueued by hand.
    // PAT created / rotated / revoked by its owner; the replaced secret presented again.
    const kept = await createToken(user, 'deploy', 10);
    const other = await createToken(user, 'scratch');
    const rotation = await rotatePat(ctx.app, user, kept.token.id);
    const rotatedSecret = rotation.json().secret as string;
    expect((await ctx.app.inject({ url: '/api/tokens/self', headers: bearer(kept.secret) })).statusCode).toBe(
      401,
    );
    await revokePat(ctx.app, user, other.token.id);

    // First use from a second network (the first network is the token's first use, not news).
    const roaming = await createToken(user, 'roaming');
    for (const remoteAddress of ['203.0.113.9', '198.51.100.20']) {
      const used = await ctx.app.inject({
        url: '/api/tokens/self',
        headers: bearer(roaming.secret),
        remoteAddress,
      });
      expect(used.statusCode).toBe(200);
      await ctx.app.credentials.activity.flush();
    }

    // Reported as leaked by GitHub secret scanning (revoked: by leak_report).
    const leaky = await createToken(user, 'leaky');
    const reported = await postSignedAlert(ctx.app, scanningKeys, secretScanningAlert([leaky.secret]));
    expect(reported.statusCode).toBe(200);
    // Revoked by whoever found its value (public revoke-by-value endpoint).
    const found = await createToken(user, 'found');
    expect(
      (
        await ctx.app.inject({
          method: 'POST',
          url: '/api/credentials/revoke',
          payload: { credentials: [found.secret] },
        })
      ).statusCode,
    ).toBeLessThan(300);
    // Revoked by the operator: the function `npm run admin:revoke` runs, on this store.
    const support = await createToken(user, 'support');
    const byOperator = await revokeTokenAsOperator(
      { database: ctx.store, config: testConfig(env), clock },
      { tokenId: support.token.id, operator: 'ops', reason: 'support ticket' },
    );
    expect(byOperator?.revoked).toBe(true);
    secrets.push(kept.secret, other.secret, roaming.secret, leaky.secret, found.secret, support.secret);

    // Automation token issued (task group opened) and revoked (group closed).
    const automation = await automationToken(ctx.app, user, github, { login: 'octo', title: 'fix things' });
    secrets.push(automation.secret);
    const closed = await post(`/api/task-groups/${automation.groupId}/close`, {});
    expect(closed.statusCode, closed.body).toBeLessThan(300);

    // The scan: 10 days left → the 30-day notice; 11 days later → expired; then used after expiry.
    await ctx.app.noticeScan();
    clock.advance(11 * DAY_MS);
    await ctx.app.noticeScan();
    const refused = await ctx.app.inject({
      method: 'GET',
      url: '/api/tokens/self',
      headers: bearer(rotatedSecret),
    });
    expect(refused.statusCode).toBe(401);

    // Provider token expiring (the expiry GitHub reports, found by the daily re-check), then
    // rejected by GitHub at the next day's re-check.
    const { token: ghToken } = await addGitHubAccount(ctx.app, user, github, {
      // In the server's clock, 5 days from now (the fake measures expiry in real time).
      expiresAt: new Date(clock.now().getTime() + 5 * DAY_MS),
    });
    clock.advance(DAY_MS + 60_000);
    expect(await ctx.app.providerRecheck()).toBeGreaterThanOrEqual(1);
    github.addToken(ghToken, { login: 'octo', scopes: ['repo'], expiresAt: new Date(0) });
    clock.advance(DAY_MS + 60_000);
    expect(await ctx.app.providerRecheck()).toBeGreaterThanOrEqual(1);

    // Password change, then a sign-in from a new browser.
    const changed = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/password',
      headers: as(user),
      payload: { current_password: TEST_PASSWORD, new_password: 'another long passphrase 42' },
    });
    expect(changed.statusCode).toBeLessThan(300);
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' },
      payload: { email: user.email, password: 'another long passphrase 42' },
    });
    expect(login.statusCode).toBe(200);

    // Revoke-all last: it revokes every PAT of the account.
    const last = await createToken(user, 'last');
    expect((await post('/api/account/tokens/revoke-all', {})).statusCode).toBeLessThan(300);
    secrets.push(last.secret);

    await drain();

    const notices = (
      await ctx.app.inject({ url: '/api/account/notices?limit=100', headers: as(user) })
    ).json().notices as Array<{
      id: string;
      kind: string;
      subject_id: string | null;
      data: Record<string, unknown>;
    }>;
    const kinds = new Set(notices.map((n) => n.kind));
    expect([...CONFIGURABLE_NOTICE_KINDS].filter((kind) => !kinds.has(kind))).toEqual([]);
    // Every way a PAT is revoked, each from its own producer.
    const revokedBy = new Set(notices.filter((n) => n.kind === 'token.revoked').map((n) => n.data.by));
    expect([...revokedBy].sort()).toEqual(['admin', 'leak_report', 'owner', 'revoke_all', 'revoke_by_value']);

    const mails = smtp.messages.filter((m) => m.to.includes(user.email));
    for (const notice of notices) {
      const mail = mails.find((m) => m.headers.get('x-tessera-notice-id') === notice.id);
      expect(mail, `e-mail for ${notice.kind}`).toBeDefined();
      expect(mail!.text).toContain('http://localhost:3000/');
      expect(mail!.html).toContain('<a href="http://localhost:3000/');
      const hook = receiver.received.filter((r) => r.id === notice.id);
      expect(hook, `webhook for ${notice.kind}`).toHaveLength(1);
      expect(hook[0]!.verified).toBe(true);
      expect(hook[0]!.body.type).toBe(notice.kind);
    }
    // The renew link goes straight to the token.
    const expiring = notices.find((n) => n.kind === 'token.expiring' && n.subject_id === kept.token.id)!;
    const expiringMail = mails.find((m) => m.headers.get('x-tessera-notice-id') === expiring.id)!;
    expect(expiringMail.text).toContain(`/settings/tokens?renew=${kept.token.id}`);
    // Nothing secret leaves in any channel.
    const everything = JSON.stringify(receiver.received) + mails.map((m) => m.raw).join('');
    for (const secret of [...secrets, rotatedSecret]) expect(everything).not.toContain(secret);
    expect(everything).not.toContain(ghToken);
  });

  it('e-mails a zh-CN user in Chinese', async () => {
    const user = await signUp(ctx.app);
    await ctx.app.inject({
      method: 'PATCH',
      url: '/api/account/notice-settings',
      headers: as(user),
      payload: { locale: 'zh-CN' },
    });
    await createToken(user, '部署');
    await drain();
    const mail = smtp.messages.find((m) => m.to.includes(user.email))!;
    expect(mail.subject).toContain('已创建个人访问令牌“部署”');
    expect(mail.text).toContain('如果不是你本人操作');
  });

  it('honours the per-kind choice and the endpoint filter', async () => {
    const receiver = await startReceiver(() => clock.now().getTime());
    const user = await signUp(ctx.app);
    await addEndpoint(user, receiver, ['token.revoked']);
    await ctx.app.inject({
      method: 'PATCH',
      url: '/api/account/notice-settings',
      headers: as(user),
      payload: { preferences: [{ kind: 'token.created', email: false }] },
    });
    const token = await createToken(user, 'filtered');
    await revokePat(ctx.app, user, token.token.id);
    await drain();
    const subjects = smtp.messages
      .filter((m) => m.to.includes(user.email))
      .map((m) => m.headers.get('x-tessera-notice-kind'));
    expect(subjects).toEqual(['token.revoked']);
    expect(receiver.received.map((r) => r.body.type)).toEqual(['token.revoked']);
  });
});

describe('webhook endpoints', () => {
  it('retries a failing endpoint with backoff, logs status codes, and sends the same webhook-id', async () => {
    const receiver = await startReceiver(() => clock.now().getTime());
    const user = await signUp(ctx.app);
    const endpointId = await addEndpoint(user, receiver);
    receiver.answers.push(500, 503);
    await createToken(user, 'retry-me');
    await drain();
    for (let i = 0; i < 5 && receiver.received.length === 0; i += 1) {
      clock.advance(10 * 60 * 1000);
      await drain();
    }
    expect(receiver.received).toHaveLength(1);
    const log = await ctx.app.inject({
      url: `/api/account/webhooks/${endpointId}/deliveries`,
      headers: as(user),
    });
    const [delivery] = log.json().deliveries;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200 });
    expect(delivery.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([200, 503, 500]);
    expect(delivery.notice_id).toBe(receiver.received[0]!.id);
  });

  it('sends a test event, rotates the secret (old one no longer verifies), and hides others’ endpoints', async () => {
    const receiver = await startReceiver(() => clock.now().getTime());
    const user = await signUp(ctx.app);
    const stranger = await signUp(ctx.app);
    const endpointId = await addEndpoint(user, receiver);
    const list = await ctx.app.inject({ url: '/api/account/webhooks', headers: as(user) });
    expect(list.body).not.toContain(receiver.secret);
    const test = await ctx.app.inject({
      method: 'POST',
      url: `/api/account/webhooks/${endpointId}/test`,
      headers: as(user),
    });
    expect(test.statusCode).toBe(200);
    expect(test.json()).toMatchObject({ kind: 'webhook.test', status: 'delivered', last_status_code: 200 });
    expect(receiver.received.at(-1)!.verified).toBe(true);

    const oldSecret = receiver.secret;
    const rotated = await ctx.app.inject({
      method: 'POST',
      url: `/api/account/webhooks/${endpointId}/rotate-secret`,
      headers: as(user),
    });
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(oldSecret);
    await ctx.app.inject({
      method: 'POST',
      url: `/api/account/webhooks/${endpointId}/test`,
      headers: as(user),
    });
    expect(receiver.received.at(-1)!.verified).toBe(false); // still verifying with the old secret
    receiver.secret = rotated.json().secret;

    for (const [method, url] of [
      ['GET', `/api/account/webhooks/${endpointId}`],
      ['POST', `/api/account/webhooks/${endpointId}/test`],
      ['GET', `/api/account/webhooks/${endpointId}/deliveries`],
      ['DELETE', `/api/account/webhooks/${endpointId}`],
    ] as const) {
      expect((await ctx.app.inject({ method, url, headers: as(stranger) })).statusCode).toBe(404);
    }
  });

  it('records creation, changes, secret rotation and deletion in the security log, without the secret', async () => {
    const user = await signUp(ctx.app);
    const created = await createEndpoint(user, {
      url: 'https://hooks.example.test/a',
      kinds: ['token.created'],
    });
    const id = created.endpoint.id;
    const firstSecret = created.secret;
    const changed = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/account/webhooks/${id}`,
      headers: as(user),
      payload: { url: 'https://attacker.example.test/b', enabled: false },
    });
    expect(changed.statusCode).toBe(200);
    const rotated = await ctx.app.inject({
      method: 'POST',
      url: `/api/account/webhooks/${id}/rotate-secret`,
      headers: as(user),
    });
    const secondSecret = rotated.json().secret as string;
    // A stranger's attempts change nothing and leave nothing in the owner's log.
    const stranger = await signUp(ctx.app);
    expect(
      (await ctx.app.inject({ method: 'DELETE', url: `/api/account/webhooks/${id}`, headers: as(stranger) }))
        .statusCode,
    ).toBe(404);
    expect(
      (await ctx.app.inject({ method: 'DELETE', url: `/api/account/webhooks/${id}`, headers: as(user) }))
        .statusCode,
    ).toBe(204);

    const log = await ctx.app.inject({ url: '/api/account/audit-log', headers: as(user) });
    const events = (
      log.json().events as Array<{ action: string; target_id: string; metadata: Record<string, unknown> }>
    ).filter((e) => e.target_id === id);
    expect(events.map((e) => e.action).reverse()).toEqual([
      'webhook_endpoint.created',
      'webhook_endpoint.updated',
      'webhook_endpoint.secret_rotated',
      'webhook_endpoint.deleted',
    ]);
    const update = events.find((e) => e.action === 'webhook_endpoint.updated')!;
    expect(update.metadata).toMatchObject({
      url: 'https://attacker.example.test/b',
      enabled: false,
      previous: { url: 'https://hooks.example.test/a', enabled: true },
    });
    expect(log.body).not.toContain(firstSecret.slice(6));
    expect(log.body).not.toContain(secondSecret.slice(6));
    const strangerLog = await ctx.app.inject({ url: '/api/account/audit-log', headers: as(stranger) });
    expect(strangerLog.body).not.toContain(id);
  });

  it('refuses private addresses through the SSRF guard unless allowed', async () => {
    const user = await signUp(ctx.app);
    const created = await createEndpoint(user, { url: 'http://169.254.169.254/latest/meta-data' });
    const test = await ctx.app.inject({
      method: 'POST',
      url: `/api/account/webhooks/${created.endpoint.id}/test`,
      headers: as(user),
    });
    expect(test.json()).toMatchObject({ status: 'failed', last_status_code: null });
    expect(test.json().last_error).toMatch(/linkLocal/);
  });
});
