import { describe, expect, it } from 'vitest';
import { listedScopes, providerApi } from './provider-api.ts';
import type { ProviderAccess } from './provider-client.ts';
import { ProviderError, type ProviderFetch } from './provider-http.ts';

/** An access whose fetch answers every call with `status` and `body`, and remembers the calls. */
function accessAnswering(status: number, body: unknown) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetch = (async (url: string, init: { headers: Record<string, string> }) => {
    calls.push({ url, headers: init.headers });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as ProviderFetch;
  const access: ProviderAccess = {
    token: 'secret',
    username: null,
    baseUrl: 'https://api.example.test',
    timeoutMs: 1000,
    fetch,
  };
  return { access, calls };
}

const example = providerApi({
  label: 'Example',
  authHeaders: (access) => ({ authorization: `Token ${access.token}` }),
  unauthorized: 'bad token',
  forbidden: (what) => `refused ${what}`,
  specialFailure: (answer) =>
    answer.status === 403 && answer.body === 'slow down'
      ? new ProviderError('unreachable', 'rate limited')
      : null,
  repository: {
    nameField: 'path',
    isPrivate: (entry) => entry.hidden === true,
    defaultBranch: (entry) => (typeof entry.main === 'string' ? entry.main : null),
  },
});

async function failureOf(status: number, body: unknown = {}) {
  const { access } = accessAnswering(status, body);
  return example.tokenUser(access, `${access.baseUrl}/me`, 'GET /me', 'login', ['login']).then(
    () => undefined,
    (error: ProviderError) => ({ code: error.code, message: error.message }),
  );
}

describe('providerApi', () => {
  it('maps failures: the special rule first, then 401, 403, and the shared rest', async () => {
    expect(await failureOf(403, 'slow down')).toEqual({ code: 'unreachable', message: 'rate limited' });
    expect(await failureOf(401)).toEqual({ code: 'invalid_token', message: 'bad token' });
    expect(await failureOf(403)).toEqual({ code: 'insufficient_permissions', message: 'refused GET /me' });
    expect(await failureOf(502)).toEqual({
      code: 'unreachable',
      message: 'Example answered 502 to GET /me; try again later.',
    });
  });

  it("reads the token's login from the first field present, and refuses an answer without one", async () => {
    const { access, calls } = accessAnswering(200, { nickname: 'ana' });
    const user = await example.tokenUser(access, `${access.baseUrl}/me`, 'GET /me', 'username', [
      'username',
      'nickname',
    ]);
    expect(user.login).toBe('ana');
    expect(calls[0]!.headers.authorization).toBe('Token secret');
    // An empty first field is taken as the answer (and refused), as `a ?? b` would.
    expect(await failureOf(200, { login: '' })).toEqual({
      code: 'unreachable',
      message: 'Example answered GET /me without a login.',
    });
  });

  it('finds a repository as a summary, or null when the answer says it is hidden', async () => {
    const find = (status: number, body: unknown) =>
      example.findRepository(
        accessAnswering(status, body).access,
        'https://api.example.test/r',
        'GET /r',
        (answer) => answer.status === 404,
      );
    expect(await find(200, { path: 'a/b', hidden: true, main: 'trunk' })).toEqual({
      full_name: 'a/b',
      private: true,
      default_branch: 'trunk',
    });
    expect(await find(404, {})).toBeNull();
  });
});

describe('listedScopes', () => {
  it('splits a scopes header, and says null when there is none', () => {
    expect(listedScopes('repo, read:org', ',')).toEqual(['repo', 'read:org']);
    expect(listedScopes('a b,c', /[,\s]+/)).toEqual(['a', 'b', 'c']);
    expect(listedScopes('', ',')).toEqual([]);
    expect(listedScopes(null, ',')).toBeNull();
  });
});
