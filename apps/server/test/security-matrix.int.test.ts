import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantsScope, RESOURCE_SCOPES } from '../src/modules/credentials/scopes.ts';
import { generateToken } from '../src/modules/credentials/token-format.ts';
import { type FakeGitHub, startFakeGitHub } from './fakes/github.ts';
import { automationToken as fixtureAutomationToken } from './fixtures/index.ts';
import { signUp, type TestUser, useTestApp } from './harness.ts';

/**
 * The shared security matrix: it walks every registered API route (AUTHN-8, AUTHZ-1) and checks
 * the answers for no credential, a bad token, a PAT where sign-in is needed, a PAT that holds
 * every scope but the one the route needs, and OAuth access tokens granted one resource scope and
 * no `account` (ADR 0013). A new route joins the matrix by being registered.
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
