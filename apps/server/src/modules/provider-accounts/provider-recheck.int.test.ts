import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeBitbucket,
  newAtlassianApiToken,
  startFakeBitbucket,
} from '../../../test/fakes/bitbucket.ts';
import { type FakeGitHub, newGitHubToken, startFakeGitHub } from '../../../test/fakes/github.ts';
import { type FakeGitLab, newGitLabToken, startFakeGitLab } from '../../../test/fakes/gitlab.ts';
import { signUp, type TestUser, testClock, useTwoInstances } from '../../../test/harness.ts';
import { DAY_MS } from '../../platform/clock.ts';

const HOUR_MS = 60 * 60 * 1000;

import type { App } from '../../platform/http/schemas.ts';

/**
 * The daily provider re-check (ADR 0036), on two instances sharing one store (on PostgreSQL each
 * with its own pool): each stored token is tested by one instance a day, the expiry the provider
 * reports is recorded, and the owner hears once per account and threshold, or once when a token
 * becomes refused.
 */
let github: FakeGitHub;
let gitlab: FakeGitLab;
let bitbucket: FakeBitbucket;
const clock = testClock();

beforeAll(async () => {
  [github, gitlab, bitbucket] = await Promise.all([
    startFakeGitHub(),
    startFakeGitLab(),
    startFakeBitbucket(),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([github.close(), gitlab.close(), bitbucket.close()]);
});

const instances = useTwoInstances(() => ({
  clock,
  env: {
    GITHUB_API_URL: github.url,
    GITLAB_URL: gitlab.url,
    BITBUCKET_API_URL: bitbucket.url,
    PROVIDER_TIMEOUT_MS: '3000',
  },
}));
let a: App;
let b: App;
beforeAll(() => {
  ({ a, b } = instances);
});

async function addAccount(user: TestUser, payload: Record<string, unknown>): Promise<string> {
  const response = await a.inject({
    method: 'POST',
    url: '/api/provider-accounts',
    headers: { cookie: user.cookie },
    payload,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

async function providerNotices(user: TestUser) {
  const notices = (
    await a.inject({ url: '/api/account/notices?limit=100', headers: { cookie: user.cookie } })
  ).json().notices as Array<{ kind: string; subject_id: string; data: Record<string, unknown> }>;
  return notices
    .filter((n) => n.kind.startsWith('provider_token.'))
    .map((n) => `${n.kind} ${n.subject_id} ${n.data.threshold_days ?? n.data.status}`)
    .sort();
}

async function dailyChecks(user: TestUser) {
  const events = (
    await a.inject({ url: '/api/account/audit-log?limit=100', headers: { cookie: user.cookie } })
  ).json().events as Array<{ action: string; target_id: string; metadata: { by?: string } }>;
  return events.filter((e) => e.action === 'provider_account.tested' && e.metadata.by === 'daily_check');
}

/** Both instances run the re-check at the same moment; returns how many accounts each tested. */
const bothInstances = () => Promise.all([a.providerRecheck(), b.providerRecheck()]);
const sum = (counts: number[]) => counts.reduce((x, y) => x + y, 0);

describe('daily provider token re-check', () => {
  it('tests each stored token once a day across instances, records the reported expiry and notifies once per threshold or refusal', async () => {
    const user = await signUp(a);
    // GitHub reports expiry in a header (the fake measures it in real time, the server in its clock).
    const ghToken = newGitHubToken();
    github.addToken(ghToken, {
      login: 'octo',
      scopes: ['repo'],
      expiresAt: new Date(Date.now() + 29.5 * DAY_MS),
    });
    const glToken = newGitLabToken();
    const glExpiry = new Date(clock.now().getTime() + 20 * DAY_MS).toISOString().slice(0, 10);
    gitlab.addToken(glToken, { username: 'tanuki', scopes: ['read_api'], expiresAt: glExpiry });
    const bbToken = newAtlassianApiToken();
    bitbucket.addCredential('ada@example.test', bbToken, {
      username: 'ada',
      scopes: ['read:user:bitbucket', 'read:repository:bitbucket'],
    });
    const gh = await addAccount(user, { provider: 'github', name: 'GitHub', token: ghToken });
    const gl = await addAccount(user, { provider: 'gitlab', name: 'GitLab', token: glToken });
    const bb = await addAccount(user, {
      provider: 'bitbucket',
      name: 'Bitbucket',
      token: bbToken,
      username: 'ada@example.test',
    });
    // Just added (checked now): nothing is due yet.
    expect(sum(await bothInstances())).toBe(0);
    expect(await providerNotices(user)).toEqual([]);

    // A day later: the Bitbucket token lost its scopes; the others report their expiry.
    clock.advance(DAY_MS + HOUR_MS);
    bitbucket.addCredential('ada@example.test', bbToken, {
      username: 'ada',
      scopes: ['read:user:bitbucket'],
    });
    const before = github.requests.length + gitlab.requests.length + bitbucket.requests.length;
    expect(sum(await bothInstances())).toBe(3);
    expect((await dailyChecks(user)).map((e) => e.target_id).sort()).toEqual([bb, gh, gl].sort());
    // One instance asked each provider: the same number of calls as one check of each account.
    const calls = github.requests.length + gitlab.requests.length + bitbucket.requests.length - before;
    expect(calls).toBeLessThanOrEqual(6);
    expect(await providerNotices(user)).toEqual(
      [
        `provider_token.expiring ${gh} 30`,
        `provider_token.expiring ${gl} 30`,
        `provider_token.rejected ${bb} insufficient_permissions`,
      ].sort(),
    );
    // The recorded expiry is the one each provider reported (GitLab's expires_at date).
    const expiring = (
      await a.inject({ url: '/api/account/notices?limit=100', headers: { cookie: user.cookie } })
    ).json().notices as Array<{ kind: string; subject_id: string; data: { expires_at?: string } }>;
    expect(expiring.find((n) => n.subject_id === gl)?.data.expires_at?.slice(0, 10)).toBe(glExpiry);
    const accounts = (
      await a.inject({ url: '/api/provider-accounts', headers: { cookie: user.cookie } })
    ).json().accounts as Array<{ id: string; status: string }>;
    expect(accounts.find((x) => x.id === bb)?.status).toBe('insufficient_permissions');
    // The hourly expiry scan finds the same thresholds already sent.
    await a.noticeScan();
    await b.noticeScan();
    expect(await providerNotices(user)).toHaveLength(3);

    // Within the day, nothing is due; the next day GitLab revokes its token.
    expect(sum(await bothInstances())).toBe(0);
    clock.advance(DAY_MS + HOUR_MS);
    gitlab.addToken(glToken, { username: 'tanuki', scopes: ['read_api'], state: 'revoked' });
    expect(sum(await bothInstances())).toBe(3);
    expect(await providerNotices(user)).toEqual(
      [
        `provider_token.expiring ${gh} 30`,
        `provider_token.expiring ${gl} 30`,
        `provider_token.rejected ${bb} insufficient_permissions`,
        `provider_token.rejected ${gl} invalid_token`,
      ].sort(),
    );

    // Three weeks on, GitHub's token has under 7 days left: the 7-day notice, once.
    clock.advance(21 * DAY_MS);
    expect(sum(await bothInstances())).toBe(3);
    clock.advance(DAY_MS + HOUR_MS);
    expect(sum(await bothInstances())).toBe(3);
    const notices = await providerNotices(user);
    expect(notices.filter((n) => n.startsWith(`provider_token.expiring ${gh}`))).toEqual([
      `provider_token.expiring ${gh} 30`,
      `provider_token.expiring ${gh} 7`,
    ]);
    // Refused tokens are not announced again each day.
    expect(notices.filter((n) => n.startsWith('provider_token.rejected'))).toHaveLength(2);
  }, 120_000);
});
