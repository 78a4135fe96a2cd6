import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestStore, type TestStore } from '../../../test/harness.ts';
import { securityFor } from '../../modules/credentials/openapi-access.ts';
import { isProblemSchema, normalizeDocument } from './openapi.ts';
import type { App } from './schemas.ts';

/**
 * The coverage check of the published API: every /api route the server registers is in the
 * document, with what a client generator and a reader need, and with a `security` that matches
 * what the route enforces. Routes are added by many people; this test is what keeps them honest.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is open-ended JSON
type Json = Record<string, any>;

/** The endpoints docs/api.md §4 marks interactive-only: a PAT must never be listed for them. */
const INTERACTIVE_ONLY: Array<[method: string, path: RegExp]> = [
  ['*', /^\/api\/account(\/|$)/],
  ['*', /^\/api\/users(\/|$)/],
  ['*', /^\/api\/provider-accounts(\/|$)/],
  ['*', /^\/api\/repos\/\{[^}]+\}\/automation-tokens(\/|$)/],
  ['post', /^\/api\/repos$/],
  ['delete', /^\/api\/repos\/\{[^}]+\}$/],
  ['post', /^\/api\/auth\/logout$/],
];

/** Error answers docs/api.md §4 gives a body of their own (the health check's 503 reports the store). */
const OWN_ERROR_BODIES = new Set(['get /api/health 503', 'get /health 503']);

/** Endpoints that answer RFC 6749 errors rather than problem+json (docs/api.md §2). */
const OAUTH_ERROR_ENDPOINTS =
  /^\/api\/(auth\/token|oauth\/revoke|oauth\/introspect|oauth\/device_authorization)$/;

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** Every (method, path) the app routes under /api (`app.apiRoutes`, recorded as routes are added), in OpenAPI path syntax. */
function registeredRoutes(app: App): Array<{ method: string; path: string }> {
  return app.apiRoutes
    .filter((route) => route.method !== 'OPTIONS')
    .map((route) => ({
      method: route.method.toLowerCase(),
      path: route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
    }));
}

function operations(document: Json) {
  const out: Array<{ method: string; path: string; operation: Json }> = [];
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const method of METHODS) if (item[method]) out.push({ method, path, operation: item[method] });
  }
  return out;
}

describe('OpenAPI document', () => {
  let store: TestStore;
  let app: App;
  let document: Json;

  beforeAll(async () => {
    store = await createTestStore();
    app = await buildTestApp(store);
    document = app.swagger() as Json;
  });
  afterAll(async () => {
    await app?.close();
    await store?.destroy();
  });

  it('is OpenAPI 3.1 with the three security schemes', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'accessToken',
      'personalAccessToken',
      'sessionCookie',
    ]);
    expect(document.components.securitySchemes.sessionCookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'tessera_session',
    });
    expect(document.components.securitySchemes.accessToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents every /api route the server answers', () => {
    const routes = registeredRoutes(app).filter((route) => route.path.startsWith('/api/'));
    expect(routes.length).toBeGreaterThan(5);
    const documented = new Set(operations(document).map((op) => `${op.method} ${op.path}`));
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
  });

  it('gives every operation a summary, a unique operationId, tags and a security requirement', () => {
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const { method, path, operation } of operations(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!operation.summary) problems.push(`${where}: no summary`);
      if (!operation.tags?.length) problems.push(`${where}: no tags`);
      if (!Array.isArray(operation.security)) problems.push(`${where}: no security`);
      const id = operation.operationId;
      if (!id) problems.push(`${where}: no operationId`);
      else if (seen.has(id)) problems.push(`${where}: operationId "${id}" is also used by ${seen.get(id)}`);
      else seen.set(id, where);
    }
    expect(problems).toEqual([]);
  });

  it('gives every operation a success response with a schema, and problem+json errors', () => {
    const problems: string[] = [];
    for (const { method, path, operation } of operations(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(operation.responses ?? {});
      const successes = statuses.filter((s) => /^[23]/.test(s));
      if (successes.length === 0) problems.push(`${where}: no success response`);
      for (const status of successes) {
        const response = operation.responses[status];
        if (response.description === 'Default Response') problems.push(`${where} ${status}: no description`);
        // No content, and redirects (the OAuth authorization endpoint), carry no body.
        if (status === '204' || status.startsWith('3')) continue;
        const media = Object.values<Json>(response.content ?? {});
        if (media.length === 0 || media.some((m) => !m.schema))
          problems.push(`${where} ${status}: no schema`);
      }
      const errors = statuses.filter((s) => /^[45]/.test(s));
      if (errors.length === 0) problems.push(`${where}: no error responses`);
      for (const status of errors) {
        const content = operation.responses[status].content ?? {};
        // Problem itself, or a problem with extension members built on it (allOf).
        const problemJson = isProblemSchema(
          content['application/problem+json']?.schema,
          document.components.schemas,
        );
        const oauthError =
          OAUTH_ERROR_ENDPOINTS.test(path) &&
          content['application/json']?.schema?.$ref === '#/components/schemas/OAuthError';
        const own = OWN_ERROR_BODIES.has(`${method} ${path} ${status}`);
        if (!problemJson && !oauthError && !own) problems.push(`${where} ${status}: not problem+json`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('never offers a personal access token for token management or other interactive-only operations', () => {
    const offenders: string[] = [];
    for (const { method, path, operation } of operations(document)) {
      const interactiveOnly = INTERACTIVE_ONLY.some(([m, p]) => (m === '*' || m === method) && p.test(path));
      const listsPat = (operation.security as Json[]).some(
        (requirement) => 'personalAccessToken' in requirement,
      );
      if (interactiveOnly && listsPat) offenders.push(`${method.toUpperCase()} ${path}`);
    }
    expect(offenders).toEqual([]);
    // The tokens API must be there for this to mean anything; an access token needs `account` for it.
    expect(document.paths['/api/account/tokens']?.post?.security).toEqual([
      { sessionCookie: [] },
      { accessToken: ['account'] },
    ]);
  });

  it("lists a token's required scope as its security role and as x-required-scopes", () => {
    const problems: string[] = [];
    for (const { method, path, operation } of operations(document)) {
      const security = operation.security as Json[];
      const pat = security.find((requirement) => 'personalAccessToken' in requirement);
      const access = security.find((requirement) => 'accessToken' in requirement);
      const scopes: string[] = operation['x-required-scopes'] ?? [];
      if (!Array.isArray(operation['x-required-scopes']))
        problems.push(`${method} ${path}: no x-required-scopes`);
      for (const [scheme, requirement] of [
        ['personalAccessToken', pat],
        ['accessToken', access],
      ] as const) {
        if (requirement && JSON.stringify(requirement[scheme]) !== JSON.stringify(scopes)) {
          problems.push(
            `${method} ${path}: ${scheme} ${JSON.stringify(requirement)} but x-required-scopes ${scopes}`,
          );
        }
      }
      if (!access && scopes.length > 0) problems.push(`${method} ${path}: scopes without a token scheme`);
      // `account` is never a PAT's (ADR 0013): an operation needing it must not offer one.
      if (pat && scopes.includes('account'))
        problems.push(`${method} ${path}: offers a PAT the account scope`);
    }
    expect(problems).toEqual([]);
    expect(document.paths['/api/me'].get['x-required-scopes']).toEqual(['profile:read']);
    expect(document.paths['/api/account/audit-log'].get['x-required-scopes']).toEqual(['account']);
    expect(document.paths['/api/health'].get.security).toEqual([]);
  });

  it('describes the account scope and the granted scopes of the token response', () => {
    expect(document.components.securitySchemes.accessToken.description).toContain('`account`');
    const tokenResponse = document.paths['/api/auth/token'].post.responses[200].content['application/json'];
    const schema = tokenResponse.schema.$ref
      ? document.components.schemas[tokenResponse.schema.$ref.split('/').pop()]
      : tokenResponse.schema;
    expect(schema.required).toContain('scope');
  });

  it('names shared schemas as components, and every reference resolves', () => {
    for (const name of ['Problem', 'User', 'TokenView'])
      expect(document.components.schemas).toHaveProperty(name);
    const text = JSON.stringify(document);
    const refs = new Set([...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!));
    const dangling = [...refs].filter((ref) => {
      const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
      return !name || !(name in document.components.schemas);
    });
    expect(dangling).toEqual([]);
    expect(text).not.toMatch(/def-\d+/);
  });

  it('serves the same document at /api/openapi.json without a credential, and the reference at /docs', async () => {
    const response = await app.inject({ url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual(JSON.parse(JSON.stringify(document)));
    const docs = await app.inject({ url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    expect(docs.body).toContain('swagger-ui');
  });
});

describe('securityFor', () => {
  it('maps each kind of route requirement to the credentials it accepts', () => {
    expect(securityFor('public')).toEqual([]);
    expect(securityFor('interactive')).toEqual([{ sessionCookie: [] }, { accessToken: ['account'] }]);
    expect(securityFor('any')).toEqual([
      { sessionCookie: [] },
      { accessToken: [] },
      { personalAccessToken: [] },
    ]);
    expect(securityFor('agents:write')).toEqual([
      { sessionCookie: [] },
      { accessToken: ['agents:write'] },
      { personalAccessToken: ['agents:write'] },
    ]);
  });
});

describe('normalizeDocument', () => {
  it('sorts unordered maps, answers problems as problem+json and unwraps single references', () => {
    const problem = { $ref: '#/components/schemas/Problem' };
    const normalized = normalizeDocument({
      paths: {
        '/b': { post: { responses: { 404: { content: { 'application/json': { schema: problem } } } } } },
        '/a': {
          delete: { responses: {} },
          get: {
            responses: { 200: { content: { 'application/json': { schema: { allOf: [{ $ref: '#/x' }] } } } } },
          },
        },
      },
      components: { schemas: { Z: {}, A: {} } },
    });
    expect(Object.keys(normalized.paths)).toEqual(['/a', '/b']);
    expect(Object.keys(normalized.paths['/a'])).toEqual(['get', 'delete']);
    expect(Object.keys(normalized.components.schemas)).toEqual(['A', 'Z']);
    expect(normalized.paths['/b'].post.responses[404].content).toEqual({
      'application/problem+json': { schema: problem },
    });
    expect(normalized.paths['/a'].get.responses[200].content['application/json'].schema).toEqual({
      $ref: '#/x',
    });
  });
});
