import { describe, expect, it } from 'vitest';
import {
  agentInput,
  createAgent,
  expectProblem,
  type Headers,
  multipartBody,
  uploadFile,
} from '../../../test/agent-helpers.ts';
import { createPat } from '../../../test/fixtures/index.ts';
import {
  accessTokenFor,
  bearer,
  signUp,
  type TestUser,
  testClock,
  useTestApp,
} from '../../../test/harness.ts';

const clock = testClock(new Date('2025-03-01T12:00:00.000Z'));

const ctx = useTestApp({ clock });

/** A fresh user with an interactive access token (which holds every scope). */
async function userWithToken(): Promise<TestUser & { auth: Headers }> {
  const user = await signUp(ctx.app);
  const { access_token } = await accessTokenFor(ctx.app, user);
  return { ...user, auth: bearer(access_token) };
}

async function auditActions(user: TestUser, targetId: string) {
  const response = await ctx.app.inject({
    method: 'GET',
    url: '/api/account/audit-log',
    headers: { cookie: user.cookie },
  });
  expect(response.statusCode).toBe(200);
  return (response.json().events as Array<{ action: string; target_id: string; metadata: unknown }>).filter(
    (event) => event.target_id === targetId,
  );
}

const AGENT_KEYS = [
  'agent_id',
  'category',
  'created_at',
  'description',
  'files',
  'framework',
  'name',
  'owner_id',
  'status',
  'tags',
  'updated_at',
  'visibility',
];

/** A public agent of a new owner, which a stranger (another new user) reads with 200. */
async function publicAgentAStrangerReads() {
  const owner = await userWithToken();
  const stranger = await userWithToken();
  const agent = await createAgent(ctx.app, owner.auth, { visibility: 'public' });
  const url = `/api/agents/${agent.agent_id}`;
  expect((await ctx.app.inject({ method: 'GET', url, headers: stranger.auth })).statusCode).toBe(200);
  return { owner, stranger, agent, url };
}

/** `PUT /api/agents/:id`: the answer, whatever it is. */
const updateAgent = (headers: Headers, agentId: string, payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'PUT', url: `/api/agents/${agentId}`, headers, payload });

describe('creating and reading agents', () => {
  it('creates an agent with an access token and answers 201 with the contract Agent', async () => {
    const user = await userWithToken();
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: user.auth,
      payload: agentInput({ tags: ['release', 'docs', 'release'] }),
    });
    expect(response.statusCode).toBe(201);
    const agent = response.json();
    expect(Object.keys(agent).sort()).toEqual(AGENT_KEYS);
    expect(agent).toMatchObject({
      name: 'Release notes writer',
      description: 'Drafts release notes from merged pull requests.',
      category: 'writing',
      framework: 'langchain',
      tags: ['release', 'docs'],
      visibility: 'public',
      status: 'draft',
      owner_id: user.id,
      created_at: clock.now().toISOString(),
      updated_at: clock.now().toISOString(),
      files: [],
    });
    expect(agent.agent_id).toMatch(/^agt_[A-Za-z0-9_-]{22}$/);

    const read = await ctx.app.inject({
      method: 'GET',
      url: `/api/agents/${agent.agent_id}`,
      headers: user.auth,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(agent);
  });

  it('works with the session cookie too, and treats a missing or null framework as none', async () => {
    const user = await signUp(ctx.app);
    const { framework: _omitted, ...withoutFramework } = agentInput();
    const omitted = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: { cookie: user.cookie },
      payload: withoutFramework,
    });
    expect(omitted.statusCode).toBe(201);
    expect(omitted.json().framework).toBeNull();
    const explicit = await createAgent(ctx.app, { cookie: user.cookie }, { framework: null });
    expect(explicit.framework).toBeNull();
  });

  it('accepts the limits themselves: 100-character name, 2000-character description, 20 tags of 32', async () => {
    const user = await userWithToken();
    const tags = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(30)}`);
    const agent = await createAgent(ctx.app, user.auth, {
      name: 'n'.repeat(100),
      description: 'd'.repeat(2000),
      tags,
      category: 'other',
      framework: 'openai-agents-sdk',
      visibility: 'private',
    });
    expect(agent.tags).toEqual(tags);
    expect(agent.name).toHaveLength(100);
  });

  it('records agent.created in the audit log', async () => {
    const user = await userWithToken();
    const agent = await createAgent(ctx.app, user.auth);
    const events = await auditActions(user, agent.agent_id);
    expect(events.map((e) => e.action)).toEqual(['agent.created']);
  });

  it('answers 404 not_found for an unknown id', async () => {
    const user = await userWithToken();
    expectProblem(
      await ctx.app.inject({
        method: 'GET',
        url: '/api/agents/agt_nothinghere000000000000',
        headers: user.auth,
      }),
      404,
      'not_found',
    );
  });
});

describe('updating agents', () => {
  it('changes only the members given and moves updated_at', async () => {
    const user = await userWithToken();
    const created = await createAgent(ctx.app, user.auth);
    clock.advance(5_000);
    const response = await updateAgent(user.auth, created.agent_id, {
      name: 'Changelog writer',
      tags: ['changelog', 'changelog', 'docs'],
    });
    expect(response.statusCode).toBe(200);
    const updated = response.json();
    expect(updated).toEqual({
      ...created,
      name: 'Changelog writer',
      tags: ['changelog', 'docs'],
      updated_at: clock.now().toISOString(),
    });
    const read = await ctx.app.inject({
      method: 'GET',
      url: `/api/agents/${created.agent_id}`,
      headers: user.auth,
    });
    expect(read.json()).toEqual(updated);
    const events = await auditActions(user, created.agent_id);
    expect(events[0]).toMatchObject({ action: 'agent.updated', metadata: { fields: ['name', 'tags'] } });
  });

  it('clears the framework with null and can change every member at once', async () => {
    const user = await userWithToken();
    const created = await createAgent(ctx.app, user.auth);
    const everyMember = {
      name: 'Triage bot',
      description: '',
      category: 'support',
      framework: null,
      tags: [],
      visibility: 'private',
    };
    const response = await updateAgent(user.auth, created.agent_id, everyMember);
    expect(response.statusCode).toBe(200);
    // The agent reads back as sent, member for member.
    expect(response.json()).toMatchObject(everyMember);
  });

  it('refuses an empty update, and refuses server-owned members (mass assignment) naming the field', async () => {
    const user = await userWithToken();
    const other = await userWithToken();
    const created = await createAgent(ctx.app, user.auth);
    const empty = await updateAgent(user.auth, created.agent_id, {});
    expectProblem(empty, 400, 'invalid_request');
    for (const [field, value] of [
      ['owner_id', other.id],
      ['agent_id', 'agt_mine'],
      ['status', 'ready'],
      ['files', []],
      ['created_at', '2020-01-01T00:00:00Z'],
    ] as const) {
      const response = await updateAgent(user.auth, created.agent_id, { name: 'Hijacked', [field]: value });
      const body = expectProblem(response, 400, 'invalid_request');
      expect(body.errors?.map((e) => e.path)).toContain(`body.${field}`);
    }
    const read = await ctx.app.inject({
      method: 'GET',
      url: `/api/agents/${created.agent_id}`,
      headers: user.auth,
    });
    expect(read.json()).toMatchObject({ name: created.name, owner_id: user.id });
  });
});

describe('deleting agents', () => {
  it('answers 204, then 404 for reads, updates and a second delete, and audits it', async () => {
    const user = await userWithToken();
    const created = await createAgent(ctx.app, user.auth);
    const url = `/api/agents/${created.agent_id}`;
    const deleted = await ctx.app.inject({ method: 'DELETE', url, headers: user.auth });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expectProblem(await ctx.app.inject({ method: 'GET', url, headers: user.auth }), 404, 'not_found');
    expectProblem(
      await ctx.app.inject({ method: 'PUT', url, headers: user.auth, payload: { name: 'Back' } }),
      404,
      'not_found',
    );
    expectProblem(await ctx.app.inject({ method: 'DELETE', url, headers: user.auth }), 404, 'not_found');
    const events = await auditActions(user, created.agent_id);
    expect(events.map((e) => e.action)).toEqual(['agent.deleted', 'agent.created']);
  });
});

describe('visibility and ownership', () => {
  it("hides another user's private agent: GET answers exactly as for an id that never existed", async () => {
    const owner = await userWithToken();
    const stranger = await userWithToken();
    const secret = await createAgent(ctx.app, owner.auth, { visibility: 'private', name: 'Secret sauce' });
    const hidden = await ctx.app.inject({
      method: 'GET',
      url: `/api/agents/${secret.agent_id}`,
      headers: stranger.auth,
    });
    const missing = await ctx.app.inject({
      method: 'GET',
      url: `/api/agents/${secret.agent_id.slice(0, -4)}zzzz`,
      headers: stranger.auth,
    });
    expectProblem(hidden, 404, 'not_found');
    expect(hidden.body).toBe(missing.body);

    const list = await ctx.app.inject({
      method: 'GET',
      url: '/api/agents?q=Secret%20sauce&limit=100',
      headers: stranger.auth,
    });
    expect(list.json().agents.map((a: { agent_id: string }) => a.agent_id)).not.toContain(secret.agent_id);
    const own = await ctx.app.inject({
      method: 'GET',
      url: `/api/agents/${secret.agent_id}`,
      headers: owner.auth,
    });
    expect(own.statusCode).toBe(200);
  });

  it("lets anyone read a public agent but answers 404 to a stranger's update, delete and upload, changing nothing", async () => {
    const { owner, stranger, agent: shared, url } = await publicAgentAStrangerReads();

    const update = await ctx.app.inject({
      method: 'PUT',
      url,
      headers: stranger.auth,
      payload: { name: 'Defaced', visibility: 'private' },
    });
    expectProblem(update, 404, 'not_found');
    expectProblem(await ctx.app.inject({ method: 'DELETE', url, headers: stranger.auth }), 404, 'not_found');
    const upload = await uploadFile(ctx.app, stranger.auth, shared.agent_id, {
      filename: 'x.txt',
      content: 'evil',
    });
    expectProblem(upload, 404, 'not_found');

    const after = await ctx.app.inject({ method: 'GET', url, headers: owner.auth });
    expect(after.json()).toEqual(shared);
    expect(await auditActions(stranger, shared.agent_id)).toEqual([]);
  });

  it('hides an agent from others as soon as its owner makes it private', async () => {
    const { owner, stranger, url } = await publicAgentAStrangerReads();
    await ctx.app.inject({ method: 'PUT', url, headers: owner.auth, payload: { visibility: 'private' } });
    expectProblem(await ctx.app.inject({ method: 'GET', url, headers: stranger.auth }), 404, 'not_found');
  });
});

describe('validation', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an empty name', { name: '' }, 'body.name'],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, 'body.name'],
    ['a name of only spaces', { name: '   ' }, 'body.name'],
    ['a name with a line break', { name: 'two\nlines' }, 'body.name'],
    ['a name with an ANSI escape', { name: 'red\u001b[31m' }, 'body.name'],
    ['a name that is not a string', { name: 42 }, 'body.name'],
    ['a description of 2001 characters', { description: 'd'.repeat(2001) }, 'body.description'],
    ['a category that is not a slug', { category: 'Board Games' }, 'body.category'],
    ['an unknown framework', { framework: 'tensorflow' }, 'body.framework'],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'body.tags'],
    ['an upper-case tag', { tags: ['Docs'] }, 'body.tags.0'],
    ['a tag with a space', { tags: ['ok', 'not ok'] }, 'body.tags.1'],
    ['an empty tag', { tags: [''] }, 'body.tags.0'],
    ['a tag of 33 characters', { tags: ['t'.repeat(33)] }, 'body.tags.0'],
    ['tags that are not a list', { tags: 'docs' }, 'body.tags'],
    ['an unknown visibility', { visibility: 'internal' }, 'body.visibility'],
    ['an unknown member', { owner_id: 'usr_someone_else' }, 'body.owner_id'],
    ['a status', { status: 'ready' }, 'body.status'],
  ];

  it.each(cases)('refuses %s with 400 invalid_request naming the field', async (_label, overrides, path) => {
    const user = await userWithToken();
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: user.auth,
      payload: agentInput(overrides),
    });
    const body = expectProblem(response, 400, 'invalid_request');
    expect(body.errors?.map((e) => e.path)).toContain(path);
  });

  it.each(['name', 'description', 'category', 'tags', 'visibility'])(
    'refuses a create without %s',
    async (field) => {
      const user = await userWithToken();
      const payload: Record<string, unknown> = agentInput();
      delete payload[field];
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/agents',
        headers: user.auth,
        payload,
      });
      const body = expectProblem(response, 400, 'invalid_request');
      expect(body.errors?.map((e) => e.path)).toContain(`body.${field}`);
    },
  );

  it('refuses malformed JSON, other content types and multipart on the JSON routes', async () => {
    const user = await userWithToken();
    const form = multipartBody([{ name: 'name', content: 'x' }]);
    for (const [headers, payload, status, code] of [
      [{ 'content-type': 'application/json' }, '{"name": "x",', 400, 'invalid_json'],
      [{ 'content-type': 'application/xml' }, '<agent name="x"/>', 415, 'unsupported_media_type'],
      [form.headers, form.payload, 415, 'unsupported_media_type'],
    ] as const) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/agents',
        headers: { ...user.auth, ...headers },
        payload,
      });
      expectProblem(response, status, code);
    }
  });

  it('refuses __proto__ in the body without polluting objects', async () => {
    const user = await userWithToken();
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: { ...user.auth, 'content-type': 'application/json' },
      payload: JSON.stringify(agentInput()).replace(/}$/, ',"__proto__":{"polluted":true}}'),
    });
    expect(response.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('credentials and scopes', () => {
  const routes = (id: string) => [
    { method: 'GET' as const, url: '/api/agents', scope: 'agents:read' },
    { method: 'GET' as const, url: `/api/agents/${id}`, scope: 'agents:read' },
    { method: 'POST' as const, url: '/api/agents', scope: 'agents:write', payload: agentInput() },
    { method: 'PUT' as const, url: `/api/agents/${id}`, scope: 'agents:write', payload: { name: 'New' } },
    { method: 'DELETE' as const, url: `/api/agents/${id}`, scope: 'agents:write' },
    {
      method: 'POST' as const,
      url: `/api/agents/${id}/upload`,
      scope: 'agents:write',
      ...multipartBody([{ name: 'file', filename: 'a.txt', content: 'a' }]),
    },
  ];

  function send(route: ReturnType<typeof routes>[number], auth: Headers) {
    const { method, url, payload } = route;
    const headers = { ...auth, ...('headers' in route ? route.headers : {}) };
    return ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  }

  it('answers 401 unauthenticated with a bare Bearer challenge on every route without a credential', async () => {
    const owner = await userWithToken();
    const agent = await createAgent(ctx.app, owner.auth);
    for (const route of routes(agent.agent_id)) {
      const response = await send(route, {});
      expectProblem(response, 401, 'unauthenticated');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="tessera"');
    }
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/agents/${agent.agent_id}`, headers: owner.auth }))
        .statusCode,
    ).toBe(200);
  });

  it('answers 401 invalid_token for a forged token on every route', async () => {
    const owner = await userWithToken();
    const agent = await createAgent(ctx.app, owner.auth);
    const forged = bearer(`tes_pat_${'A'.repeat(46)}`);
    for (const route of routes(agent.agent_id))
      expectProblem(await send(route, forged), 401, 'invalid_token');
  });

  it('does the whole life cycle with a PAT holding agents:write (write implies read)', async () => {
    const user = await signUp(ctx.app);
    const pat = bearer(
      (await createPat(ctx.app, user, { scopes: ['agents:write'], expires_in_days: 7 })).secret,
    );
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: pat,
      payload: agentInput(),
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().agent_id;
    expect(created.json().owner_id).toBe(user.id);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/agents/${id}`, headers: pat })).statusCode).toBe(
      200,
    );
    const mine = await ctx.app.inject({ method: 'GET', url: '/api/agents?mine=true', headers: pat });
    expect(mine.json().agents.map((a: { agent_id: string }) => a.agent_id)).toEqual([id]);
    const updated = await ctx.app.inject({
      method: 'PUT',
      url: `/api/agents/${id}`,
      headers: pat,
      payload: { description: 'Now via PAT' },
    });
    expect(updated.json().description).toBe('Now via PAT');
    expect(
      (await uploadFile(ctx.app, pat, id, { filename: 'agent.py', content: 'print(1)\n' })).statusCode,
    ).toBe(201);
    expect(
      (await ctx.app.inject({ method: 'DELETE', url: `/api/agents/${id}`, headers: pat })).statusCode,
    ).toBe(204);

    // The audit events name the PAT as the actor.
    const log = await ctx.app.inject({
      method: 'GET',
      url: '/api/account/audit-log',
      headers: { cookie: user.cookie },
    });
    const events = log.json().events.filter((e: { target_id: string }) => e.target_id === id);
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      'agent.deleted',
      'agent.file_uploaded',
      'agent.updated',
      'agent.created',
    ]);
    for (const event of events) expect(event.actor_kind).toBe('personal');
  });

  it('lets a PAT with agents:read read, and refuses every write with 403 insufficient_scope', async () => {
    const user = await signUp(ctx.app);
    const owned = await createAgent(ctx.app, { cookie: user.cookie }, { visibility: 'private' });
    const reader = bearer(
      (await createPat(ctx.app, user, { scopes: ['agents:read'], expires_in_days: 7 })).secret,
    );
    for (const route of routes(owned.agent_id)) {
      const response = await send(route, reader);
      if (route.scope === 'agents:read') {
        expect(response.statusCode).toBe(200);
        continue;
      }
      expectProblem(response, 403, 'insufficient_scope');
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="tessera", error="insufficient_scope", scope="agents:write"',
      );
    }
    const after = await ctx.app.inject({
      method: 'GET',
      url: `/api/agents/${owned.agent_id}`,
      headers: { cookie: user.cookie },
    });
    expect(after.json()).toEqual(owned);
  });

  it('refuses a PAT without any agents scope on every route, reads included', async () => {
    const user = await signUp(ctx.app);
    const owned = await createAgent(ctx.app, { cookie: user.cookie });
    const other = bearer(
      (
        await createPat(ctx.app, user, {
          scopes: ['repos:write', 'tasks:write', 'profile:read'],
          expires_in_days: 7,
        })
      ).secret,
    );
    for (const route of routes(owned.agent_id)) {
      const response = await send(route, other);
      expectProblem(response, 403, 'insufficient_scope');
      expect(response.headers['www-authenticate']).toContain(`scope="${route.scope}"`);
    }
  });

  it("answers 404 to a PAT with agents:write for another user's agent", async () => {
    const owner = await userWithToken();
    const attacker = await signUp(ctx.app);
    const pat = bearer(
      (await createPat(ctx.app, attacker, { scopes: ['agents:write'], expires_in_days: 7 })).secret,
    );
    const target = await createAgent(ctx.app, owner.auth, { visibility: 'private' });
    for (const route of routes(target.agent_id).filter((r) => r.url.includes(target.agent_id))) {
      expectProblem(await send(route, pat), 404, 'not_found');
    }
  });

  it('refuses a cookie-authenticated write from another site (403 csrf_rejected)', async () => {
    const user = await signUp(ctx.app);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: { cookie: user.cookie, origin: 'https://evil.example' },
      payload: agentInput(),
    });
    expectProblem(response, 403, 'csrf_rejected');
  });
});
