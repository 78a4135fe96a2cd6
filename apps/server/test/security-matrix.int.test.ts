import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantsScope, RESOURCE_SCOPES } from '../src/modules/credentials/scopes.ts';
import { generateToken } from '../src/modules/credentials/token-format.ts';
import { agentInput, createAgent, multipartBody } from './agent-helpers.ts';
import { type FakeGitHub, startFakeGitHub } from './fakes/github.ts';
import { createPat, automationToken as fixtureAutomationToken } from './fixtures/index.ts';
import { signUp, type TestUser, useTestApp } from './harness.ts';
import { authorizeParams, startAuthorization } from './oauth-flows.ts';

/**
 * The shared security matrix: it walks every registered API route (AUTHN-8, AUTHZ-1) and checks
 * the answers for no credential, a bad token, a PAT where sign-in is needed, a PAT that holds
 * every scope but the one the route needs, and OAuth access tokens granted one resource scope and
 * no `account` (ADR 0013), and someone else's object (404). A new route joins the matrix by being
 * registered.
 */
const PUBLIC_ROUTES = new Set([
  'GET /api/health',
  'GET /api/health/live',
  'GET /api/health/ready',
  'GET /api/frameworks',
  'GET /api/categories',
  'GET /health',
  'GET /api/openapi.json',
  'POST /api/auth/signup',
  'POST /api/auth/login',
  'POST /api/auth/token',
  'POST /api/oauth/revoke',
  'POST /api/oauth/introspect',
  'GET /api/oauth/authorize',
  'POST /api/oauth/device_authorization',
  'POST /api/secret-scanning/github',
  'POST /api/credentials/revoke',
]);
let user: TestUser;
let cookie: string;
let github: FakeGitHub;

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(async () => {
  await github.close();
});

const ctx = useTestApp(() => ({ env: { GITHUB_API_URL: github.url } }));
beforeAll(async () => {
  user = await signUp(ctx.app);
  cookie = user.cookie;
});

function concrete(url: string) {
  return url.replace(/:[A-Za-z_]+/g, 'id_does_not_exist');
}

async function patWith(scopes: string[]) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/account/tokens',
    headers: { cookie },
    payload: { name: `matrix ${Math.random()}`, scopes },
  });
  expect(response.statusCode).toBe(201);
  return response.json().secret as string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

describe('security matrix over every API route', () => {
  it('has only the known public routes', () => {
    const publicRoutes = ctx.app.apiRoutes
      .filter((r) => r.auth === 'public')
      .map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes.filter((r) => !PUBLIC_ROUTES.has(r))).toEqual([]);
    expect(ctx.app.apiRoutes.length).toBeGreaterThan(15);
  });

  it('answers 401 unauthenticated without a credential on every protected route', async () => {
    for (const route of ctx.app.apiRoutes.filter((r) => r.auth !== 'public')) {
      const response = await ctx.app.inject({ method: route.method as Method, url: concrete(route.url) });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().code, `${route.method} ${route.url}`).toBe('unauthenticated');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="tessera"');
    }
  });

  // HEAD twins of GET routes are registered by Fastify from the GET's options: they must not
  // skip the authentication the GET has (a classic bypass).
  it('answers 401 to HEAD on every protected GET route', async () => {
    const protectedGets = ctx.app.apiRoutes.filter((r) => r.auth !== 'public' && r.method === 'GET');
    expect(protectedGets.length).toBeGreaterThan(5);
    for (const route of protectedGets) {
      const response = await ctx.app.inject({ method: 'HEAD', url: concrete(route.url) });
      expect(response.statusCode, `HEAD ${route.url}`).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="tessera"');
    }
  });

  it('serves public routes whatever the Authorization header holds (they read no credential)', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', `Bearer ${generateToken('pat')}`]) {
      for (const url of ['/api/health/live', '/api/frameworks', '/api/openapi.json']) {
        const response = await ctx.app.inject({ url, headers: { authorization } });
        expect(response.statusCode, `${url} with ${authorization}`).toBe(200);
      }
    }
  });

  it('answers 401 invalid_token for an unknown token on every protected route', async () => {
    const unknown = generateToken('pat');
    for (const route of ctx.app.apiRoutes.filter((r) => r.auth !== 'public')) {
      const response = await ctx.app.inject({
        method: route.method as Method,
        url: concrete(route.url),
        headers: { authorization: `Bearer ${unknown}` },
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().code).toBe('invalid_token');
    }
  });

  it('refuses a PAT holding every scope on every interactive-only route', async () => {
    const pat = await patWith([...RESOURCE_SCOPES]);
    for (const route of ctx.app.apiRoutes.filter((r) => r.auth === 'interactive')) {
      const response = await ctx.app.inject({
        method: route.method as Method,
        url: concrete(route.url),
        headers: { authorization: `Bearer ${pat}` },
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json().code).toBe('interactive_credential_required');
    }
  });

  it('answers 403 insufficient_scope to a PAT with every scope but the one a route needs', async () => {
    const scopedRoutes = ctx.app.apiRoutes.filter((r) =>
      (RESOURCE_SCOPES as readonly string[]).includes(r.auth),
    );
    expect(scopedRoutes.length).toBeGreaterThan(0);
    const patsByMissing = new Map<string, string>();
    for (const route of scopedRoutes) {
      const needed = route.auth;
      // write implies read, so a read route must also lack the write scope of its resource.
      const withheld = new Set([needed, needed.replace(/:read$/, ':write')]);
      let pat = patsByMissing.get(needed);
      if (!pat) {
        pat = await patWith(RESOURCE_SCOPES.filter((s) => !withheld.has(s)));
        patsByMissing.set(needed, pat);
      }
      const response = await ctx.app.inject({
        method: route.method as Method,
        url: concrete(route.url),
        headers: { authorization: `Bearer ${pat}` },
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(response.json().code).toBe('insufficient_scope');
      expect(response.headers['www-authenticate']).toBe(
        `Bearer realm="tessera", error="insufficient_scope", scope="${needed}"`,
      );
    }
  });

  it('never lets a read scope pass a write route', async () => {
    const readOnly = await patWith(RESOURCE_SCOPES.filter((s) => s.endsWith(':read')));
    for (const route of ctx.app.apiRoutes.filter((r) => r.auth.endsWith(':write'))) {
      const response = await ctx.app.inject({
        method: route.method as Method,
        url: concrete(route.url),
        headers: { authorization: `Bearer ${readOnly}` },
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
  });
});

/** An access token from the password grant holding exactly `scope` (space-separated). */
async function accessTokenWith(scope: string) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: { grant_type: 'password', username: user.email, password: user.password, scope },
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().scope).toBe(scope);
  return response.json().access_token as string;
}

describe('security matrix for narrow OAuth access tokens (one resource scope, no account)', () => {
  for (const scope of RESOURCE_SCOPES) {
    it(`answers ${scope} 403 insufficient_scope wherever it lacks the scope, account management included`, async () => {
      const token = await accessTokenWith(scope);
      for (const route of ctx.app.apiRoutes.filter((r) => r.auth !== 'public')) {
        const response = await ctx.app.inject({
          method: route.method as Method,
          url: concrete(route.url),
          headers: { authorization: `Bearer ${token}` },
        });
        const where = `${route.method} ${route.url}`;
        const { auth } = route;
        const needed = auth === 'interactive' ? 'account' : auth === 'any' || auth === 'public' ? null : auth;
        if (needed === null || (needed !== 'account' && grantsScope([scope], needed))) {
          // The credential is accepted; whatever the route answers next is not an auth refusal.
          expect([401, 403], where).not.toContain(response.statusCode);
          continue;
        }
        expect(response.statusCode, where).toBe(403);
        expect(response.json().code, where).toBe('insufficient_scope');
        expect(response.headers['www-authenticate'], where).toBe(
          `Bearer realm="tessera", error="insufficient_scope", scope="${needed}"`,
        );
      }
    });
  }

  it('refuses account management even to an access token holding every resource scope', async () => {
    const token = await accessTokenWith(RESOURCE_SCOPES.join(' '));
    const interactive = ctx.app.apiRoutes.filter((r) => r.auth === 'interactive');
    expect(interactive.length).toBeGreaterThan(15);
    for (const route of interactive) {
      const response = await ctx.app.inject({
        method: route.method as Method,
        url: concrete(route.url),
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(response.json().code).toBe('insufficient_scope');
    }
  });
});

/** An automation token: provider account → repository → agent → task group. */
async function automationToken(): Promise<string> {
  return (await fixtureAutomationToken(ctx.app, user, github, { login: 'matrix', title: 'matrix run' }))
    .secret;
}

describe('security matrix for an automation token', () => {
  it('is refused on every interactive route and every route needing a scope other than tasks', async () => {
    const secret = await automationToken();
    for (const route of ctx.app.apiRoutes.filter((r) => r.auth !== 'public' && r.auth !== 'any')) {
      if (route.auth === 'tasks:read' || route.auth === 'tasks:write') continue;
      const response = await ctx.app.inject({
        method: route.method as Method,
        url: concrete(route.url),
        headers: { authorization: `Bearer ${secret}` },
      });
      const expected =
        route.auth === 'interactive'
          ? { status: 401, code: 'interactive_credential_required' }
          : { status: 403, code: 'insufficient_scope' };
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(expected.status);
      expect(response.json().code, `${route.method} ${route.url}`).toBe(expected.code);
    }
  });
});

/** Another user's objects, one of each kind a route names, made through the API. */
async function someoneElsesObjects() {
  const owner = await signUp(ctx.app);
  const headers = { cookie: owner.cookie };
  const made = await fixtureAutomationToken(ctx.app, owner, github, { login: 'victim', title: 'their run' });
  const get = async (url: string) => (await ctx.app.inject({ url, headers })).json();
  const created = async (url: string, payload: object) => {
    const response = await ctx.app.inject({ method: 'POST', url, headers, payload });
    expect(response.statusCode, `${url}: ${response.body}`).toBe(201);
    return response.json();
  };
  const pat = await createPat(ctx.app, owner);
  return {
    ...made,
    headers,
    patId: pat.token.id,
    patSecret: pat.secret,
    noticeId: (await get('/api/account/notices')).notices[0].id as string,
    sessionId: (await get('/api/account/sessions')).sessions[0].id as string,
    accountId: (await get('/api/provider-accounts')).accounts[0].id as string,
    webhookId: (await created('/api/account/webhooks', { url: 'https://hooks.example.test/tessera' }))
      .endpoint.id as string,
    taskId: (await created(`/api/task-groups/${made.groupId}/tasks`, { title: 'theirs' })).id as string,
    requestId: await startAuthorization(ctx.app, owner, authorizeParams()),
  };
}

describe('security matrix for someone else’s objects', () => {
  it('answers 404 not_found on every route that names an object, and changes nothing', async () => {
    const theirs = await someoneElsesObjects();
    const intruder = await signUp(ctx.app);
    const ownAgent = (await createAgent(ctx.app, { cookie: intruder.cookie })).agent_id;
    const upload = multipartBody([{ name: 'file', filename: 'x.txt', content: 'x' }]);
    // The path's objects and a body the route accepts, so the answer is about ownership, not input.
    const requests: Record<string, { url: string; payload?: unknown; headers?: Record<string, string> }> = {
      'GET /api/account/tokens/:id': { url: `/api/account/tokens/${theirs.patId}` },
      'PATCH /api/account/tokens/:id': { url: `/api/account/tokens/${theirs.patId}`, payload: { name: 'x' } },
      'DELETE /api/account/tokens/:id': { url: `/api/account/tokens/${theirs.patId}` },
      'POST /api/account/tokens/:id/rotate': { url: `/api/account/tokens/${theirs.patId}/rotate` },
      'GET /api/account/tokens/:id/networks': { url: `/api/account/tokens/${theirs.patId}/networks` },
      'GET /api/account/tokens/:id/usage': { url: `/api/account/tokens/${theirs.patId}/usage` },
      'POST /api/account/notices/:id/read': { url: `/api/account/notices/${theirs.noticeId}/read` },
      'DELETE /api/account/sessions/:id': {
        url: `/api/account/sessions/${theirs.sessionId}`,
        payload: { password: intruder.password },
      },
      'GET /api/account/webhooks/:id': { url: `/api/account/webhooks/${theirs.webhookId}` },
      'PATCH /api/account/webhooks/:id': {
        url: `/api/account/webhooks/${theirs.webhookId}`,
        payload: { enabled: false },
      },
      'DELETE /api/account/webhooks/:id': { url: `/api/account/webhooks/${theirs.webhookId}` },
      'GET /api/account/webhooks/:id/deliveries': {
        url: `/api/account/webhooks/${theirs.webhookId}/deliveries`,
      },
      'POST /api/account/webhooks/:id/rotate-secret': {
        url: `/api/account/webhooks/${theirs.webhookId}/rotate-secret`,
      },
      'POST /api/account/webhooks/:id/test': { url: `/api/account/webhooks/${theirs.webhookId}/test` },
      'GET /api/agents/:id': { url: `/api/agents/${theirs.agentId}` },
      'PUT /api/agents/:id': { url: `/api/agents/${theirs.agentId}`, payload: agentInput() },
      'DELETE /api/agents/:id': { url: `/api/agents/${theirs.agentId}` },
      'POST /api/agents/:id/upload': {
        url: `/api/agents/${theirs.agentId}/upload`,
        payload: upload.payload,
        headers: upload.headers,
      },
      'GET /api/oauth/requests/:id': { url: `/api/oauth/requests/${theirs.requestId}` },
      'POST /api/oauth/requests/:id/decision': {
        url: `/api/oauth/requests/${theirs.requestId}/decision`,
        payload: { approve: true },
      },
      'PATCH /api/provider-accounts/:id': {
        url: `/api/provider-accounts/${theirs.accountId}`,
        payload: { name: 'x' },
      },
      'DELETE /api/provider-accounts/:id': { url: `/api/provider-accounts/${theirs.accountId}` },
      'POST /api/provider-accounts/:id/test': { url: `/api/provider-accounts/${theirs.accountId}/test` },
      'GET /api/provider-accounts/:id/repositories': {
        url: `/api/provider-accounts/${theirs.accountId}/repositories`,
      },
      'GET /api/repos/:id': { url: `/api/repos/${theirs.repoId}` },
      'DELETE /api/repos/:id': { url: `/api/repos/${theirs.repoId}` },
      'GET /api/repos/:id/automation-tokens': { url: `/api/repos/${theirs.repoId}/automation-tokens` },
      'DELETE /api/repos/:id/automation-tokens/:token_id': {
        url: `/api/repos/${theirs.repoId}/automation-tokens/${theirs.tokenId}`,
      },
      'POST /api/repos/:id/task-groups': {
        url: `/api/repos/${theirs.repoId}/task-groups`,
        payload: { agent_id: ownAgent, title: 'x' },
      },
      'POST /api/repos/:id/task-groups/:group_id/automation-token': {
        url: `/api/repos/${theirs.repoId}/task-groups/${theirs.groupId}/automation-token`,
      },
      'GET /api/task-groups/:id': { url: `/api/task-groups/${theirs.groupId}` },
      'POST /api/task-groups/:id/close': { url: `/api/task-groups/${theirs.groupId}/close` },
      'GET /api/task-groups/:id/tasks': { url: `/api/task-groups/${theirs.groupId}/tasks` },
      'POST /api/task-groups/:id/tasks': {
        url: `/api/task-groups/${theirs.groupId}/tasks`,
        payload: { title: 'x' },
      },
      'PATCH /api/tasks/:id': { url: `/api/tasks/${theirs.taskId}`, payload: { status: 'failed' } },
    };
    const withObjects = ctx.app.apiRoutes.filter((r) => r.auth !== 'public' && r.url.includes('/:'));
    // A new route that names an object fails here until its request is listed.
    expect(withObjects.map((r) => `${r.method} ${r.url}`).sort()).toEqual(Object.keys(requests).sort());
    for (const route of withObjects) {
      const where = `${route.method} ${route.url}`;
      const request = requests[where]!;
      const send = (url: string) =>
        ctx.app.inject({
          method: route.method as Method,
          url,
          headers: { cookie: intruder.cookie, ...request.headers },
          ...(request.payload === undefined ? {} : { payload: request.payload as object }),
        });
      const answer = await send(request.url);
      expect(answer.statusCode, `${where}: ${answer.body}`).toBe(404);
      expect(answer.json().code, where).toBe('not_found');
    }
    // Nothing of theirs changed.
    const own = async (url: string) => (await ctx.app.inject({ url, headers: theirs.headers })).json();
    expect((await own(`/api/account/tokens/${theirs.patId}`)).status).toBe('active');
    const me = await ctx.app.inject({
      url: '/api/me',
      headers: { authorization: `Bearer ${theirs.patSecret}` },
    });
    expect(me.statusCode).toBe(200);
    expect((await own(`/api/task-groups/${theirs.groupId}`)).status).toBe('open');
    expect((await own(`/api/account/webhooks/${theirs.webhookId}`)).enabled).toBe(true);
    expect((await own(`/api/agents/${theirs.agentId}`)).name).toBe('Automation');
    expect((await own(`/api/oauth/requests/${theirs.requestId}`)).id).toBe(theirs.requestId);
    expect((await own('/api/account/notices')).unread_count).toBeGreaterThan(0);
    expect((await own('/api/account/sessions')).sessions.map((s: { id: string }) => s.id)).toContain(
      theirs.sessionId,
    );
    expect((await own('/api/provider-accounts')).accounts.map((a: { id: string }) => a.id)).toEqual([
      theirs.accountId,
    ]);
  });
});
