import { describe, expect, it } from 'vitest';
import { statementRecorder } from '../../../test/fixtures/statement-recorder.ts';
import type { Config } from '../../config.ts';
import { DAY_MS } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { DB } from '../../schema.ts';
import type { CredentialRow } from '../credentials/credentials.repository.ts';
import type { IssueCredentialInput } from '../credentials/credentials.service.ts';
import {
  createTokenService,
  DEFAULT_LIFETIME_DAYS,
  leastGrantCovering,
  tokenView,
} from './tokens.service.ts';

/**
 * The PAT expiry policy without a store: a Kysely whose driver runs nothing (transactions open
 * and commit, queries answer no rows), and credentials faked at the service's narrow boundary.
 */
const noStore = statementRecorder<DB>().db;

const NOW = new Date('2026-03-01T12:00:00.000Z');
const context: RequestContext = {
  ip: '203.0.113.7',
  userAgent: null,
  requestId: 'req-1',
  actorCredentialId: null,
  actorKind: null,
};

function credentialRow(overrides: Partial<CredentialRow>): CredentialRow {
  return {
    id: 'tok_1',
    user_id: 'usr_1',
    kind: 'personal',
    token_hash: 'hash',
    preview: 'tes_pat_…abcd',
    name: 'ci',
    description: null,
    scopes: ['agents:read'],
    client_id: null,
    family_id: null,
    task_group_id: null,
    rotated_from_id: null,
    created_at: NOW,
    expires_at: null,
    rotated_at: null,
    revoked_at: null,
    revoked_reason: null,
    last_used_at: null,
    last_used_ip: null,
    user_agent: null,
    previous_token_hash: null,
    previous_valid_until: null,
    on_rotated_out_use: 'notify',
    allow_self_rotation: false,
    repo_ids: null,
    allowed_cidrs: null,
    ...overrides,
  };
}

/** A token service under a policy; `stored` holds the expiry each issue or rotation asked for. */
function serviceUnder(policy: { maxLifetimeDays: number; requireExpiry: boolean }, current?: CredentialRow) {
  const stored: Array<Date | null> = [];
  const tokens = {
    maxLifetimeDays: policy.maxLifetimeDays,
    requireExpiry: policy.requireExpiry,
  } as Config['tokens'];
  const service = createTokenService({
    db: noStore,
    clock: { now: () => NOW },
    config: { tokens },
    audit: { record: async () => {} },
    repoDirectory: { unknownRepoIds: async () => [] },
    credentials: {
      issueCredential: async (_tx: unknown, input: IssueCredentialInput) => {
        stored.push(input.expiresAt ?? null);
        return {
          token: 'tes_pat_secret',
          credential: credentialRow({ expires_at: input.expiresAt ?? null }),
        };
      },
      rotateSecret: async (_tx: unknown, row: Pick<CredentialRow, 'id'>, expiresAt: Date | null) => {
        stored.push(expiresAt);
        return { token: 'tes_pat_new', credential: credentialRow({ id: row.id, expires_at: expiresAt }) };
      },
      findPersonalTokenForOwner: async () => current,
      statusOf: (row: Pick<CredentialRow, 'revoked_at' | 'expires_at'>) =>
        row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= NOW ? 'expired' : 'active',
    } as unknown as Parameters<typeof createTokenService>[0]['credentials'],
  });
  return { service, stored };
}

const create = (service: ReturnType<typeof serviceUnder>['service'], expires_in_days?: number | null) =>
  service.createToken('usr_1', { name: 'ci', scopes: ['agents:read'], expires_in_days }, context);

const daysFromNow = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

async function policyViolation(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('policy_violation');
  return (error as AppError).message;
}

describe('PAT expiry policy', () => {
  it('defaults to 30 days, cut to the maximum when the maximum is shorter', async () => {
    const roomy = serviceUnder({ maxLifetimeDays: 366, requireExpiry: false });
    await create(roomy.service);
    expect(roomy.stored).toEqual([daysFromNow(DEFAULT_LIFETIME_DAYS)]);
    expect(roomy.service.policy().default_lifetime_days).toBe(30);

    const tight = serviceUnder({ maxLifetimeDays: 7, requireExpiry: false });
    await create(tight.service);
    expect(tight.stored).toEqual([daysFromNow(7)]);
    expect(tight.service.policy()).toMatchObject({ max_lifetime_days: 7, default_lifetime_days: 7 });
  });

  it('takes any lifetime up to the maximum, and refuses a longer one before anything is stored', async () => {
    const { service, stored } = serviceUnder({ maxLifetimeDays: 90, requireExpiry: false });
    const { token } = await create(service, 90);
    expect(token.expires_at).toBe(daysFromNow(90).toISOString());
    expect(await policyViolation(create(service, 91))).toMatch(/at most 90/);
    expect(stored).toEqual([daysFromNow(90)]);
  });

  it('gives no expiry when asked for none, unless the policy requires one', async () => {
    const open = serviceUnder({ maxLifetimeDays: 366, requireExpiry: false });
    await create(open.service, null);
    expect(open.stored).toEqual([null]);

    const strict = serviceUnder({ maxLifetimeDays: 366, requireExpiry: true });
    expect(await policyViolation(create(strict.service, null))).toMatch(/must expire/);
    expect(strict.stored).toEqual([]);
    expect(strict.service.policy().require_expiry).toBe(true);
  });

  it('rotates to the lifetime the secret had, from now, within the maximum', async () => {
    const tenDays = credentialRow({ created_at: daysFromNow(-20), expires_at: daysFromNow(-10) });
    const { service, stored } = serviceUnder({ maxLifetimeDays: 366, requireExpiry: false }, tenDays);
    await service.rotateToken('tok_1', 'usr_1', {}, context);
    expect(stored).toEqual([daysFromNow(10)]);

    const yearLong = credentialRow({ created_at: daysFromNow(-1), expires_at: daysFromNow(364) });
    const capped = serviceUnder({ maxLifetimeDays: 30, requireExpiry: false }, yearLong);
    await capped.service.rotateToken('tok_1', 'usr_1', {}, context);
    expect(capped.stored).toEqual([daysFromNow(30)]);
  });

  it('keeps a token without expiry without one on rotation, unless the policy now requires one', async () => {
    const forever = credentialRow({ expires_at: null });
    const open = serviceUnder({ maxLifetimeDays: 366, requireExpiry: false }, forever);
    await open.service.rotateToken('tok_1', 'usr_1', {}, context);
    expect(open.stored).toEqual([null]);

    const strict = serviceUnder({ maxLifetimeDays: 45, requireExpiry: true }, forever);
    await strict.service.rotateToken('tok_1', 'usr_1', {}, context);
    expect(strict.stored).toEqual([daysFromNow(45)]);
  });
});

describe('leastGrantCovering (the least-privilege suggestion)', () => {
  it('suggests the write where a write was used, else the read, in canonical order', () => {
    expect(
      leastGrantCovering(['tasks:write', 'agents:write'], ['tasks:read', 'agents:write', 'agents:read']),
    ).toEqual(['agents:write', 'tasks:read']);
  });

  it('never suggests what the token does not hold', () => {
    expect(leastGrantCovering(['agents:read'], ['agents:read', 'repos:read', 'tasks:write'])).toEqual([
      'agents:read',
    ]);
    expect(leastGrantCovering(['agents:read'], [])).toEqual([]);
  });
});

describe('tokenView (what leaves the server about a token)', () => {
  const rotated = credentialRow({
    kind: 'automation',
    name: null,
    previous_token_hash: 'old-hash',
    previous_valid_until: new Date(NOW.getTime() + 60_000),
  });

  it('never carries the hash of the secret or of the one it replaced', () => {
    const view = tokenView(rotated, 'active', NOW);
    expect(Object.keys(view)).not.toContain('token_hash');
    expect(Object.keys(view)).not.toContain('previous_token_hash');
    expect(JSON.stringify(view)).not.toContain('hash');
  });

  it('names the kind, shows an unnamed token as empty and dates as ISO strings', () => {
    expect(tokenView(rotated, 'active', NOW)).toMatchObject({
      kind: 'automation',
      name: '',
      created_at: NOW.toISOString(),
      expires_at: null,
    });
    expect(tokenView(credentialRow({ kind: 'personal' }), 'active', NOW).kind).toBe('personal');
  });

  it('shows the old secret’s deadline only while the token is active and the overlap runs', () => {
    expect(tokenView(rotated, 'active', NOW).old_secret_valid_until).toBe(
      new Date(NOW.getTime() + 60_000).toISOString(),
    );
    expect(tokenView(rotated, 'active', new Date(NOW.getTime() + 60_000)).old_secret_valid_until).toBeNull();
    expect(tokenView(rotated, 'revoked', NOW).old_secret_valid_until).toBeNull();
    expect(tokenView(credentialRow({}), 'active', NOW).old_secret_valid_until).toBeNull();
  });
});
